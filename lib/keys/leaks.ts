/**
 * Leak intake: what a secret scanner (or a person) reports, reduced to the hashes of candidates
 * that are real keys of ours by shape and checksum. Everything else is dropped here, before any
 * query, so garbage costs nothing and tells nothing.
 */
import { z } from "zod";
import { cleanText } from "@/lib/input";
import { hashApiKey, parseApiKey } from "@/lib/keys/format";

export const MAX_LEAK_REPORT_KEYS = 100;
export const MAX_LEAK_REPORT_BYTES = 64 * 1024;

/** One reported string: no length limit of its own (the body's is enough); a long one is no key. */
const token = z.string();

/**
 * What a scanner says around a key: cleaned of control characters and lone surrogates and cut
 * to `max`, or dropped. Never a reason to refuse the report: containing the keys must not
 * depend on it.
 */
const decoration = (max: number) =>
  z
    .string()
    .optional()
    .catch(undefined)
    .transform((v) => (v === undefined ? undefined : cleanText(v.slice(0, max)) || undefined));
const url = decoration(2048);
const source = decoration(128);

/** Our shape: `{"keys": ["…"], "url"?, "source"?}`. */
const listReport = z.strictObject({
  keys: z.array(token).min(1).max(MAX_LEAK_REPORT_KEYS),
  url,
  source,
});

const githubEntry = z.object({ token, type: decoration(128), url, source });

/** GitHub secret scanning's partner shape: `[{"token","type","url","source"}]`. */
const githubReport = z.array(githubEntry).min(1).max(MAX_LEAK_REPORT_KEYS);

export const leakReportSchema = z.union([listReport, githubReport]);
export type LeakReportBody = z.output<typeof leakReportSchema>;

export type LeakCandidate = { hash: string; url: string | null; source: string | null };

/** How many strings the report carried (what the reporter is told, whatever matched). */
export function reportedCount(body: LeakReportBody): number {
  return Array.isArray(body) ? body.length : body.keys.length;
}

/** The reported strings that are well-formed keys with our prefix and a valid checksum. */
export function leakCandidates(body: LeakReportBody, productPrefix: string): LeakCandidate[] {
  const entries = Array.isArray(body)
    ? body.map((e) => ({ token: e.token, url: e.url ?? null, source: e.source ?? null }))
    : body.keys.map((k) => ({ token: k, url: body.url ?? null, source: body.source ?? null }));
  const seen = new Set<string>();
  const out: LeakCandidate[] = [];
  for (const entry of entries) {
    const candidate = entry.token.trim();
    const parsed = parseApiKey(candidate);
    if (!parsed || parsed.prefix !== productPrefix) continue;
    const hash = hashApiKey(candidate);
    if (seen.has(hash)) continue;
    seen.add(hash);
    out.push({ hash, url: entry.url, source: entry.source });
  }
  return out;
}

/**
 * A failure as the name and message of its innermost cause, for logs about leaked keys: a wrapped
 * query error's own message carries the statement's parameters (a key's hash among them).
 */
export function errorSummary(error: unknown): string {
  let inner = error;
  for (let depth = 0; inner instanceof Error && inner.cause !== undefined && depth < 10; depth++) {
    inner = inner.cause;
  }
  return inner instanceof Error ? `${inner.name}: ${inner.message}` : "unknown error";
}
