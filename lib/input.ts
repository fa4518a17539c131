/**
 * What every string and date from outside must satisfy before it reaches SQL, JSON or a page.
 * PostgreSQL refuses a NUL byte in text and a lone UTF-16 surrogate in jsonb (and JSON.stringify
 * escapes one into something no parser accepts as a character); both would fail deep inside a
 * query — a 500 — instead of as a field error. Dates outside years 2000–9999 make PostgreSQL (year
 * 0000) or `Date.toISOString()` (year 10000 and on: "+010000-…") fail the same way.
 */
import { z } from "zod";

/** C0 controls (NUL included), DEL and C1 controls. */
const CONTROL = /\p{Cc}/u;
/** The same, except tab, newline and carriage return: multi-line text keeps its lines. */
const CONTROL_EXCEPT_LINES = /(?![\t\n\r])\p{Cc}/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export type TextOptions = {
  /** Allow tab, newline and carriage return (a description, not a name). */
  multiline?: boolean;
};

/** Why `value` cannot be taken as text, or null when it can. */
export function textProblem(value: string, options: TextOptions = {}): string | null {
  if (!value.isWellFormed()) return "Remove the invalid characters.";
  if ((options.multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(value)) {
    return "Remove the control characters.";
  }
  return null;
}

/**
 * Text from outside, refused (a field error) when it holds control characters or lone
 * surrogates. Wrap every string schema at the boundary: `plainText(z.string().trim().max(64))`.
 */
export const plainText = <S extends z.ZodString>(
  schema: S = z.string() as S,
  options: TextOptions = {},
): S =>
  schema.superRefine((value, ctx) => {
    const message = textProblem(value, options);
    if (message) ctx.addIssue({ code: "custom", message });
  });

/**
 * `value` with control characters and lone surrogates removed, for text we must keep even when it
 * is dirty (what a secret scanner reports alongside a key).
 */
export function cleanText(value: string, options: TextOptions = {}): string {
  const controls = new RegExp((options.multiline ? CONTROL_EXCEPT_LINES : CONTROL).source, "gu");
  return value.replace(LONE_SURROGATE, "").replace(controls, "");
}

/** The instants a date from outside may name. */
export const EARLIEST_DATE = new Date("2000-01-01T00:00:00.000Z");
export const LATEST_DATE = new Date("9999-12-31T23:59:59.999Z");
const DATE_RANGE_MESSAGE = "Enter a date between 2000-01-01 and 9999-12-31.";

export const inDateRange = (date: Date) =>
  !Number.isNaN(date.getTime()) &&
  date.getTime() >= EARLIEST_DATE.getTime() &&
  date.getTime() <= LATEST_DATE.getTime();

/** A calendar day (`2026-01-31`) that exists, between 2000-01-01 and 9999-12-31. */
export const dayParam = z.iso
  .date()
  .refine((v) => inDateRange(new Date(`${v}T00:00:00Z`)), DATE_RANGE_MESSAGE);

/** An ISO date-time with an offset whose instant lies between 2000-01-01 and 9999-12-31 UTC. */
export const dateTimeParam = z.iso
  .datetime({ offset: true })
  .refine((v) => inDateRange(new Date(v)), DATE_RANGE_MESSAGE);

/** A Date refused outside 2000-01-01..9999-12-31 (for schemas that already hold a Date). */
export const boundedDate = <S extends z.ZodType<Date, unknown>>(schema: S): S =>
  schema.refine(inDateRange, DATE_RANGE_MESSAGE);
