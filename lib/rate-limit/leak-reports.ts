import { processGlobal } from "@/shared/process-global";
import { createLimiter, getRedis, spend } from "./limiter";

/** Per client IP: generous for a scanner, too few to enumerate keys by timing or volume. */
export const LEAK_REPORTS_PER_MINUTE = 30;

const limiter = () =>
  processGlobal("leakLimiter", () =>
    createLimiter(
      { keyPrefix: "lk:leaks", points: LEAK_REPORTS_PER_MINUTE, duration: 60 },
      getRedis(),
    ),
  );

/**
 * Spends one of the client IP's leak reports for this minute. Answers 0 when the report may be
 * taken, else the seconds to wait.
 */
export function consumeLeakReport(ip: string): Promise<number> {
  return spend(limiter(), ip);
}
