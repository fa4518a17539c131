import { z } from "zod";
import type { AuditFilters } from "@/db/queries/audit";
import { auditRange } from "@/lib/api/audit";
import { dayParam, plainText } from "@/lib/input";
import {
  firstValues,
  pageNumber,
  parseSearchParams,
  type RawSearchParams,
} from "@/lib/search-params";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(blankToUndefined, schema.optional());

/** The filters, each optional (a blank field is no filter). */
const filterFields = {
  key: optional(z.uuid()),
  actor: optional(plainText(z.string().trim().max(200))),
  action: optional(plainText(z.string().trim().max(64))),
  from: optional(dayParam),
  to: optional(dayParam),
};

/**
 * The audit log page's query string. Anything unusable falls back to "no filter" or page 1, so a
 * hand-edited URL never breaks the page.
 */
const auditSearchShape = {
  key: filterFields.key.catch(undefined),
  actor: filterFields.actor.catch(undefined),
  action: filterFields.action.catch(undefined),
  from: filterFields.from.catch(undefined),
  to: filterFields.to.catch(undefined),
  page: pageNumber(100_000),
};
export const auditSearchSchema = z.object(auditSearchShape);
export type AuditSearch = z.output<typeof auditSearchSchema>;

export function parseAuditSearch(params: RawSearchParams) {
  return parseSearchParams(auditSearchShape, params);
}

/**
 * The export's query string, strictly: an unusable filter is refused rather than dropped, since
 * dropping it would export more than was asked for.
 */
export function parseAuditExport(
  params: RawSearchParams,
): { ok: true; search: AuditSearch } | { ok: false; fields: string[] } {
  const parsed = z.object(filterFields).safeParse(firstValues(params));
  if (!parsed.success) {
    return { ok: false, fields: [...new Set(parsed.error.issues.map((i) => String(i.path[0])))] };
  }
  return { ok: true, search: { ...parsed.data, page: 1 } };
}

export function auditFilters(search: AuditSearch): AuditFilters {
  return {
    keyId: search.key,
    actor: search.actor,
    action: search.action,
    ...auditRange(search.from, search.to),
  };
}

/** The search as a query string (without the page), for links that keep it. */
export function auditQueryString(search: AuditSearch, extra: Record<string, string> = {}) {
  const params = new URLSearchParams();
  for (const name of ["key", "actor", "action", "from", "to"] as const) {
    const value = search[name];
    if (value) params.set(name, value);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * One CSV cell. Quoted always; a cell a spreadsheet would read as a formula (=, +, -, @, tab, CR)
 * gets a leading apostrophe so that, opened in Excel or Sheets, it stays text.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

export const csvRow = (cells: unknown[]) => `${cells.map(csvCell).join(",")}\r\n`;
