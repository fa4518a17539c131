/**
 * The authorization decision for one request made with a key: status and expiry, scopes, IP
 * allowlist, one request of the rate limit, its credits, and the usage record. Latchkey's own
 * routes, its verify route and this package's adapters all take it from here, so none can ever
 * decide differently.
 */
import type { RateLimitState } from "./ports.ts";
import { problem } from "./problem.ts";
import { limitHeaders } from "./refusals.ts";
import type { UsageBuffer } from "./usage.ts";
import type { Verifier, VerifyFailure, VerifyResult, VerifySuccess } from "./verifier.ts";

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
  /** Credits the request spends when the key has a usage limit (default 1). */
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
    cost: request.cost,
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
        rateLimited: !result.ok && result.code === "rate_limited",
        usageExceededPeriod:
          !result.ok && result.code === "usage_exceeded" ? result.credits?.period : undefined,
      });
    },
  };
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return limitHeaders({ code: "", rateLimit: state });
}

/** The headers of an allowed request's response: its rate limit, and its credits if limited. */
export function successHeaders(result: VerifySuccess): Record<string, string> {
  return limitHeaders({ code: "valid", rateLimit: result.rateLimit, credits: result.credits });
}

/**
 * A refusal as the API answers it: problem+json, with the rate limit and credits when they were
 * counted, and `Retry-After` when waiting helps.
 */
export function refusalResponse(result: VerifyFailure, now: number = Date.now()): Response {
  return problem(result.status, result.code, result.detail, {
    headers: limitHeaders(result, now),
  });
}
