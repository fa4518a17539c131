/** Deliveries are retried for at least this long after the event, then marked failed. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
const FIRST_DELAY_MS = 10_000;
const MAX_DELAY_MS = 60 * 60 * 1000;

/**
 * The wait before retry number `failedAttempts` + 1: doubling from 10 s up to an hour, with
 * jitter in [75 %, 100 %] so receivers coming back up are not hit by every sender at once (and
 * each delay still exceeds the previous one while doubling).
 */
export function retryDelayMs(failedAttempts: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_DELAY_MS * 2 ** Math.max(failedAttempts - 1, 0), MAX_DELAY_MS);
  return Math.round(base * (0.75 + 0.25 * random()));
}
