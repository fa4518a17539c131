/**
 * The app's one verify runtime per process: the package's runtime on the app's database
 * connections, Redis client and settings. withApiKey, the verify route and its fast path all use it.
 */
import {
  createLeaseLedger,
  createMemoryLedger,
  createRedisLedger,
} from "@latchkey/verify/credits/ledger";
import {
  createVerifyRuntime,
  type RuntimeLedger,
  type RuntimeOptions,
  type VerifyRuntime,
} from "@latchkey/verify/runtime";
import type { Redis } from "ioredis";
import { getDb, listen, notify } from "@/db";
import { appSql } from "@/db/sql";
import { env } from "@/lib/env";
import { getRedis } from "@/lib/rate-limit/limiter";
import { onShutdown } from "@/lib/shutdown";
import { processGlobal } from "@/shared/process-global";

export type { VerifyRuntime } from "@latchkey/verify/runtime";

export type CreditsMode = "redis" | "lease" | "memory";

/**
 * The credit ledger for this process: in Redis when instances share one (one atomic script per
 * spend), else leased from PostgreSQL, which is exact across instances and loses at most one lease
 * per instance to a crash. Memory mode counts only in this process and writes back on flush: for
 * a single instance that accepts that a crash can give back what was spent since the last flush.
 */
export function createCreditLedger(
  mode: CreditsMode | undefined,
  redis: Redis | undefined,
  now?: () => number,
): RuntimeLedger {
  const chosen = mode ?? (redis ? "redis" : "lease");
  if (chosen === "redis") {
    if (!redis) throw new Error("CREDITS_MODE=redis needs REDIS_URL");
    return createRedisLedger({ sql: appSql, redis, now });
  }
  if (chosen === "memory") return createMemoryLedger({ sql: appSql, now });
  return createLeaseLedger({ sql: appSql, now });
}

/** A runtime on the app's database (tests pass their own clock, cache, ledger or settings). */
export function createAppVerifyRuntime(
  options: Omit<RuntimeOptions, "sql" | "listen" | "notify"> & { creditsMode?: CreditsMode },
): VerifyRuntime {
  const { creditsMode, ...rest } = options;
  return createVerifyRuntime({
    sql: appSql,
    listen: (channel, onMessage, onClose) => listen(channel, onMessage, onClose),
    notify: (channel, payload) => notify(getDb(), channel, [payload]),
    credits: rest.credits ?? createCreditLedger(creditsMode, rest.redis, rest.now),
    ...rest,
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
    creditsMode: config.CREDITS_MODE,
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
