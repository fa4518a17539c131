/**
 * Leak reports are answered before they are acted on: the reporter's response never depends on
 * whether a key matched (not even in its timing). The work runs here, one report at a time.
 */
import { getDb } from "@/db";
import { errorSummary, type LeakCandidate } from "@/lib/keys/leaks";
import { applyLeakReport } from "@/lib/keys/service/leak";
import { onShutdown } from "@/lib/shutdown";
import { processGlobal } from "@/shared/process-global";

const queue = processGlobal("leakIntake", () => {
  const state = { tail: Promise.resolve() };
  // A report received before a shutdown is acted on before the process exits.
  onShutdown("leak-intake", () => state.tail);
  return state;
});

export function queueLeakReport(candidates: LeakCandidate[]): void {
  if (candidates.length === 0) return;
  queue.tail = queue.tail.then(() =>
    applyLeakReport(getDb(), candidates).then(
      () => undefined,
      (error) => console.error("[latchkey] leak report failed:", errorSummary(error)),
    ),
  );
}

/** Resolves once every report received so far has been acted on (shutdown, tests). */
export function settleLeakReports(): Promise<void> {
  return queue.tail;
}
