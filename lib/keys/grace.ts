/** How long a rolled key's predecessor keeps working. */
export const GRACE_PERIODS = {
  now: 0,
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
} as const;
export type GracePeriod = keyof typeof GRACE_PERIODS;
export const GRACE_PERIOD_IDS = Object.keys(GRACE_PERIODS) as [GracePeriod, ...GracePeriod[]];
