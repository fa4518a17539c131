import { z } from "zod";
import { plainText } from "@/lib/input";

/** What a page's `searchParams` promise resolves to. */
export type RawSearchParams = Record<string, string | string[] | undefined>;

/** One of `values`, else `fallback`: never a prototype name that an `in` check would let through. */
export const oneOf = <const T extends readonly [string, ...string[]]>(
  values: T,
  fallback: T[number],
) => z.enum(values).catch(fallback);

/** A 1-based page number; anything else (text, 0, negative, past `max`) is page 1. */
export const pageNumber = (max = 10_000) => z.coerce.number().int().min(1).max(max).catch(1);

/**
 * Free text, cut to `max` characters; a repeated parameter keeps its first value; text with
 * control characters or lone surrogates is no text at all.
 */
export const text = (max: number) =>
  z
    .preprocess((v) => (Array.isArray(v) ? v[0] : v), plainText(z.string()))
    .transform((v) => v.slice(0, max))
    .catch("");

/**
 * Parses a page's query with `shape`, every field falling back to its default: a page never
 * fails on its query string. A repeated parameter (`?page=1&page=2`) uses its first value.
 */
export function parseSearchParams<S extends z.ZodRawShape>(
  shape: S,
  raw: RawSearchParams,
): z.output<z.ZodObject<S>> {
  return z.object(shape).parse(firstValues(raw));
}

/** Each parameter's first value (`?page=1&page=2` is page 1). */
export function firstValues(raw: RawSearchParams): Record<string, string | undefined> {
  const first: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    first[name] = Array.isArray(value) ? value[0] : value;
  }
  return first;
}
