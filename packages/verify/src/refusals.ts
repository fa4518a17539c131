/**
 * Every refusal's status and wording, wherever it is answered: Latchkey's routes, and this
 * package's adapters answering from a verdict. One table, so the two read the same.
 */
/** Why a key the verifier looked at was refused: what a verdict can say besides `valid`. */
export const KEY_REFUSAL_CODES = [
  "invalid_key",
  "key_disabled",
  "key_revoked",
  "key_expired",
  "insufficient_scope",
  "ip_not_allowed",
  "rate_limited",
  "usage_exceeded",
] as const;
export type KeyRefusalCode = (typeof KEY_REFUSAL_CODES)[number];

/** Every refusal: no key at all, a key refused, or nothing could be decided. */
export type RefusalCode = "missing_key" | KeyRefusalCode | "verification_unavailable";

export const REFUSAL_STATUS: Record<RefusalCode, number> = {
  missing_key: 401,
  invalid_key: 401,
  key_disabled: 401,
  key_revoked: 401,
  key_expired: 401,
  insufficient_scope: 403,
  ip_not_allowed: 403,
  rate_limited: 429,
  usage_exceeded: 429,
  verification_unavailable: 503,
};

export function refusalDetail(
  code: RefusalCode,
  context: { missingScopes?: readonly string[]; rateLimitPerMinute?: number } = {},
): string {
  switch (code) {
    case "missing_key":
      return "Send an API key in X-API-Key or Authorization: Bearer.";
    case "invalid_key":
      return "The API key is not valid.";
    case "key_disabled":
      return "This API key is disabled.";
    case "key_revoked":
      return "This API key has been revoked.";
    case "key_expired":
      return "This API key has expired.";
    case "insufficient_scope":
      return `This API key lacks the scope ${(context.missingScopes ?? []).join(", ")}.`;
    case "ip_not_allowed":
      return "Requests with this key are not allowed from this IP address.";
    case "rate_limited":
      return `Rate limit of ${context.rateLimitPerMinute ?? "its"} requests per minute exceeded.`;
    case "usage_exceeded":
      return "This API key has used up its usage limit.";
    case "verification_unavailable":
      return "API keys cannot be verified right now. Try again shortly.";
  }
}

type Limits = {
  code: string;
  rateLimit?: { limit: number; remaining: number; reset: number } | null;
  credits?: { limit: number; remaining: number; refillsAt: number | null } | null;
};

/**
 * The headers of an answer about a key: `RateLimit-*` when its limit was counted, `Usage-*` when it
 * has a usage limit, and `Retry-After` on a 429 when waiting helps (the rate limit's window, or
 * the next refill of used-up credits; never for credits that do not refill).
 */
export function limitHeaders(limits: Limits, now: number = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {};
  const { rateLimit, credits } = limits;
  if (rateLimit) {
    headers["RateLimit-Limit"] = String(rateLimit.limit);
    headers["RateLimit-Remaining"] = String(rateLimit.remaining);
    headers["RateLimit-Reset"] = String(rateLimit.reset);
  }
  if (credits) {
    headers["Usage-Limit"] = String(credits.limit);
    headers["Usage-Remaining"] = String(credits.remaining);
  }
  if (limits.code === "rate_limited" && rateLimit) headers["Retry-After"] = String(rateLimit.reset);
  if (limits.code === "usage_exceeded" && credits && credits.refillsAt !== null) {
    headers["Retry-After"] = String(Math.max(1, Math.ceil((credits.refillsAt - now) / 1000)));
  }
  return headers;
}
