/** How an adapter answers from an outcome: the same statuses, bodies and headers as Latchkey's routes. */
import { problemBody } from "./problem.ts";
import { limitHeaders, REFUSAL_STATUS, type RefusalCode, refusalDetail } from "./refusals.ts";
import type { Outcome } from "./verifier-api.ts";

export type Refusal = { status: number; headers: Record<string, string>; body: string };

const PROBLEM_HEADERS = {
  "content-type": "application/problem+json",
  "cache-control": "no-store",
} as const;

const creditsOf = (outcome: Outcome) =>
  "credits" in outcome && outcome.credits
    ? {
        limit: outcome.credits.limit,
        remaining: outcome.credits.remaining,
        refillsAt:
          outcome.credits.refillsAt === null ? null : Date.parse(outcome.credits.refillsAt),
      }
    : null;

/** The headers of an allowed request's response: `RateLimit-*`, and `Usage-*` when limited. */
export function allowedHeaders(outcome: Outcome): Record<string, string> {
  return limitHeaders({
    code: outcome.code,
    rateLimit: "rateLimit" in outcome ? outcome.rateLimit : null,
    credits: creditsOf(outcome),
  });
}

/** The problem+json answer to a refused request (`code` other than `valid`). */
export function refusal(
  outcome: Outcome | { code: "missing_key" },
  requiredScopes: readonly string[] = [],
  now: number = Date.now(),
): Refusal {
  const code = outcome.code as RefusalCode;
  const status = REFUSAL_STATUS[code] ?? 401;
  const held = "scopes" in outcome ? outcome.scopes : [];
  const rateLimit = "rateLimit" in outcome ? outcome.rateLimit : null;
  const detail = refusalDetail(code, {
    missingScopes: requiredScopes.filter((scope) => !held.includes(scope)),
    rateLimitPerMinute: rateLimit?.limit,
  });
  const headers: Record<string, string> = {
    ...PROBLEM_HEADERS,
    ...(code === "rate_limited" || code === "usage_exceeded"
      ? limitHeaders({ code, rateLimit, credits: creditsOf(outcome as Outcome) }, now)
      : {}),
  };
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="api"';
  return { status, headers, body: JSON.stringify(problemBody(status, code, detail)) };
}
