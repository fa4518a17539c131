import { afterAll, beforeAll } from "vitest";
import { createAppVerifyRuntime, setVerifyRuntime, type VerifyRuntime } from "@/lib/verify/runtime";

/**
 * Gives the test file a started verification runtime as the process-wide one (call it after
 * withTestDatabase(): the runtime listens on that database). Usage flushes only when asked.
 */
export function withVerifyRuntime(
  options: Partial<Parameters<typeof createAppVerifyRuntime>[0]> = {},
): () => VerifyRuntime {
  let runtime: VerifyRuntime | undefined;
  beforeAll(async () => {
    runtime = createAppVerifyRuntime({
      defaultRateLimitPerMinute: 600,
      flushMs: 600_000,
      ...options,
    });
    await runtime.start();
    setVerifyRuntime(runtime);
  });
  afterAll(async () => {
    await runtime?.stop();
    setVerifyRuntime(undefined);
  });
  return () => {
    if (!runtime) throw new Error("verification runtime not started");
    return runtime;
  };
}
