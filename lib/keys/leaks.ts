/**
 * Leak intake: what a secret scanner (or a person) reports, reduced to the hashes of candidates
 * that are real keys of ours by shape and checksum. Everything else is dropped here, before any
 * query, so garbage costs nothing and tells nothing.
 */
import { z } from "zod";
import { hashApiKey, parseApiKey } from "@/lib/keys/format";

export const MAX_LEAK_REPORT_KEYS = 100;
export const MAX_LEAK_REPORT_BYTES = 64 * 1024;

const token = z.string().max(256);
const url = z.string().max(2048).optional();
const source = z.string().max(128).optional();

/** Our shape: `{"keys": ["…"], "url"?, "source"?}`. */
const listReport = z.strictObject({
  keys: z.array(token).min(1).max(MAX_LEAK_REPORT_KEYS),
  url,
  source,
});

/** GitHub secret scanning's partner shape: `[{"token","type","url","source"}]`. */
const githubReport = z
  .array(z.object({ token, type: z.string().max(128).optional(), url, source }))
  .min(1)
  .max(MAX_LEAK_REPORT_KEYS);

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
