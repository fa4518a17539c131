import { z } from "zod";
import type { AuditFilters } from "@/db/queries/audit";
import { auditRange } from "@/lib/api/audit";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(blankToUndefined, schema.optional()).catch(undefined);

/**
 * The audit log page's query string. Anything unusable falls back to "no filter" or page 1, so a
 * hand-edited URL never breaks the page.
 */
export const auditSearchSchema = z.object({
  key: optional(z.uuid()),
  actor: optional(z.string().trim().max(200)),
  action: optional(z.string().trim().max(64)),
  from: optional(z.iso.date()),
  to: optional(z.iso.date()),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type AuditSearch = z.output<typeof auditSearchSchema>;

export function parseAuditSearch(params: Record<string, string | string[] | undefined>) {
  const single = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
  );
  return auditSearchSchema.parse(single);
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
