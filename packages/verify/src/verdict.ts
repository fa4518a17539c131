/**
 * The verdict: what the verify route answers, and what `verifier.verify()` returns in both modes,
 * so a service can switch between direct and remote verification without changing a line.
 */

import type { UsageRefill } from "./credits/period.ts";
import type { CreditState } from "./ports.ts";
import { KEY_REFUSAL_CODES } from "./refusals.ts";
import type { VerifyResult } from "./verifier.ts";

export type VerifyInput = {
  /** The credential the client sent. */
  key: string;
  /** Scopes the request needs: all are required. */
  scopes?: readonly string[];
  /** The end client's address as the service saw it; checked against the key's IP allowlist. */
  clientIp?: string;
  /** What the request is recorded under, e.g. "GET /v1/things". */
  endpoint?: string;
  /** Credits the request spends (0–1000, default 1) when the key has a usage limit. */
  cost?: number;
};

/** What a verdict's `code` can be. */
export const VERDICT_CODES = ["valid", ...KEY_REFUSAL_CODES] as const;
export type VerdictCode = (typeof VERDICT_CODES)[number];

export type Verdict = {
  valid: boolean;
  code: VerdictCode;
  keyId: string | null;
  organizationId: string | null;
  name: string | null;
  scopes: string[];
  environment: "live" | "test" | null;
  expiresAt: string | null;
  rateLimit: { limit: number; remaining: number; reset: number } | null;
  credits: {
    limit: number;
    remaining: number;
    refill: UsageRefill;
    refillsAt: string | null;
  } | null;
};

/** The store could not be reached: nothing is known, and nothing is allowed. */
export type Unavailable = { valid: false; code: "verification_unavailable" };

export const UNAVAILABLE: Unavailable = Object.freeze({
  valid: false,
  code: "verification_unavailable",
}) as Unavailable;

const UNKNOWN: Verdict = Object.freeze({
  valid: false,
  code: "invalid_key",
  keyId: null,
  organizationId: null,
  name: null,
  scopes: [],
  environment: null,
  expiresAt: null,
  rateLimit: null,
  credits: null,
}) as Verdict;

/** The verdict about a key that is malformed, unknown or of another organization. */
export const unknownKey = (): Verdict => ({ ...UNKNOWN, scopes: [] });

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

function creditsOf(credits: CreditState | undefined | null): Verdict["credits"] {
  if (!credits) return null;
  return {
    limit: credits.limit,
    remaining: credits.remaining,
    refill: credits.refill,
    refillsAt: iso(credits.refillsAt),
  };
}

/** A decision as its verdict. Call it only for results other than 503 (see `UNAVAILABLE`). */
export function verdictOf(result: VerifyResult): Verdict {
  const { key } = result;
  // No key, a malformed or unknown one, or another organization's: nothing to say about it.
  if (!key) return unknownKey();
  const rateLimit = result.rateLimit ?? null;
  return {
    valid: result.ok,
    code: result.ok ? "valid" : (result.code as VerdictCode),
    keyId: key.id,
    organizationId: key.organizationId,
    name: key.name,
    scopes: [...key.scopes],
    environment: key.environment,
    expiresAt: iso(key.expiresAt),
    rateLimit: rateLimit && {
      limit: rateLimit.limit,
      remaining: rateLimit.remaining,
      reset: rateLimit.reset,
    },
    credits: creditsOf(result.credits),
  };
}
