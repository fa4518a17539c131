/**
 * The idle-key sweep of the key policy, run by the server on a timer. Each run is idempotent (it
 * only ever moves active keys that are idle right now), so several instances may run it at once.
 */
import { getDb } from "@/db";
import { disableIdleKeys } from "@/lib/keys/service/idle";

export function startKeyPolicySweep(options: {
  intervalMs: number;
  now?: () => Date;
  onError?: (error: unknown) => void;
}): () => void {
  const run = () =>
    disableIdleKeys(getDb(), options.now?.() ?? new Date()).then(
      (disabled) => {
        if (disabled.length) {
          console.info(`[latchkey] key policy: disabled ${disabled.length} unused key(s)`);
        }
      },
      options.onError ?? ((error) => console.error("[latchkey] key policy sweep failed", error)),
    );
  const first = setTimeout(run, Math.min(options.intervalMs, 30_000));
  const timer = setInterval(run, options.intervalMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
