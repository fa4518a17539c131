/**
 * The authorization decision for one request made with a key: status and expiry, scopes, IP
 * allowlist, one request of the rate limit, and the usage record. The app's own routes
 * (withApiKey) and the verify route other services call (verify-route.ts) both take it from
 * here, so the two can never decide differently.
 */
import { problem } from "@/lib/api/problem";
import type { RateLimitState } from "./ports";
import type { UsageBuffer } from "./usage";
import type { Verifier, VerifyFailure, VerifyResult } from "./verifier";

export type DecideRequest = {
  /** The raw credential, if any. */
  key: string | undefined;
  /** Every one is required. */
  scopes?: readonly string[];
  /** The end client's address; a key with an allowlist and no address is refused. */
  clientIp: string | undefined;
  /** What usage is recorded under. */
  method: string;
  endpoint: string;
  /** Credits the request spends. Accepted for the coming usage limits; no effect yet. */
  cost?: number;
  /** Only keys of this organization; any other reads as unknown, and nothing of it is spent. */
  organizationId?: string;
};

export type Decision = {
  result: VerifyResult;
  /** Records the request against the key (when it was identified) with the status answered. */
  record(status: number): void;
};

export async function decide(
  runtime: { verifier: Verifier; usage: UsageBuffer },
  request: DecideRequest,
): Promise<Decision> {
  const started = performance.now();
  const result = await runtime.verifier.verify({
    key: request.key,
    requiredScopes: request.scopes,
    clientIp: request.clientIp,
    organizationId: request.organizationId,
  });
  return {
    result,
    record(status) {
      const { key } = result;
      // A refused request still counts against the key when it was identified.
      if (!key) return;
      runtime.usage.record({
        keyId: key.id,
        organizationId: key.organizationId,
        method: request.method,
        endpoint: request.endpoint,
        status,
        durationMs: performance.now() - started,
        at: Date.now(),
        verified: result.ok,
        // Only a request the key was allowed to make shows which of its scopes it needs.
        scopes: result.ok ? request.scopes : undefined,
      });
    },
  };
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    "RateLimit-Limit": String(state.limit),
    "RateLimit-Remaining": String(state.remaining),
    "RateLimit-Reset": String(state.reset),
  };
}

/** A refusal as the API answers it: problem+json, with the rate limit when it was reached. */
export function refusalResponse(result: VerifyFailure): Response {
  return problem(result.status, result.code, result.detail, {
    headers: result.rateLimit
      ? {
          ...rateLimitHeaders(result.rateLimit),
          ...(result.status === 429 ? { "Retry-After": String(result.rateLimit.reset) } : {}),
        }
      : undefined,
  });
}
