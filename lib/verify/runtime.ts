/**
 * The app's one verify runtime per process: the package's runtime on the app's database
 * connections, Redis client and settings. withApiKey, the verify route and its fast path all use it.
 */
import {
  createVerifyRuntime,
  type RuntimeOptions,
  type VerifyRuntime,
} from "@latchkey/verify/runtime";
import { getDb, listen, notify } from "@/db";
import { appSql } from "@/db/sql";
import { env } from "@/lib/env";
import { getRedis } from "@/lib/rate-limit/limiter";
import { onShutdown } from "@/lib/shutdown";
import { processGlobal } from "@/shared/process-global";

export type { VerifyRuntime } from "@latchkey/verify/runtime";

/** A runtime on the app's database (tests pass their own clock, cache or settings). */
export function createAppVerifyRuntime(
  options: Omit<RuntimeOptions, "sql" | "listen" | "notify">,
): VerifyRuntime {
  return createVerifyRuntime({
    sql: appSql,
    listen: (channel, onMessage, onClose) => listen(channel, onMessage, onClose),
    notify: (channel, payload) => notify(getDb(), channel, [payload]),
    ...options,
  });
}

const holder = processGlobal("verifyRuntime", () => ({
  runtime: undefined as VerifyRuntime | undefined,
}));

/** The process-wide verifier with its cache, change listener, credits and usage buffer. */
export function getVerifyRuntime(): VerifyRuntime {
  if (holder.runtime) return holder.runtime;
  const config = env();
  const runtime = createAppVerifyRuntime({
    redis: getRedis(config.REDIS_URL),
    defaultRateLimitPerMinute: config.DEFAULT_RATE_LIMIT_PER_MINUTE,
    flushMs: config.USAGE_FLUSH_MS,
  });
  holder.runtime = runtime;
  void runtime.start();
  onShutdown("verify-runtime", () => runtime.stop());
  return runtime;
}

/** Installs a runtime as the process-wide one (tests), or removes it. */
export function setVerifyRuntime(runtime: VerifyRuntime | undefined): void {
  holder.runtime = runtime;
}
