/**
 * Refill periods, in UTC. A key's credits belong to one period: the UTC day or month number, or 0
 * for keys that never refill. The period is part of every counter's identity, so a refill is
 * simply the first spend of a new period finding the stored counter's period older: whoever sees
 * it first sets the credits back to the limit, once, with a conditional update.
 */
export const USAGE_REFILLS = ["never", "daily", "monthly"] as const;
export type UsageRefill = (typeof USAGE_REFILLS)[number];

const DAY_MS = 86_400_000;

/** The period `at` (epoch ms) falls in. */
export function periodOf(refill: UsageRefill, at: number): number {
  if (refill === "daily") return Math.floor(at / DAY_MS);
  if (refill === "monthly") {
    const date = new Date(at);
    return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
  }
  return 0;
}

/** When the period after `period` starts (epoch ms): the next refill. Null without refill. */
export function nextRefillAt(refill: UsageRefill, period: number): number | null {
  if (refill === "daily") return (period + 1) * DAY_MS;
  if (refill === "monthly") {
    const next = period + 1;
    return Date.UTC(1970 + Math.floor(next / 12), next % 12, 1);
  }
  return null;
}
