/** How long a rolled key's predecessor keeps working. */
export const GRACE_PERIODS = {
  now: 0,
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
} as const;
export type GracePeriod = keyof typeof GRACE_PERIODS;
export const GRACE_PERIOD_IDS = Object.keys(GRACE_PERIODS) as [GracePeriod, ...GracePeriod[]];

/** How the roll dialog offers each grace period, in the order above. */
export const GRACE_PERIOD_LABELS: Record<GracePeriod, string> = {
  now: "Now",
  "1h": "In 1 hour",
  "24h": "In 24 hours",
  "7d": "In 7 days",
};
