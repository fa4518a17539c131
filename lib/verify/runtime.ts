import type { Redis } from "ioredis";
import { getDb, listen, notify } from "@/db";
import { KEY_CHANGED_CHANNEL } from "@/db/queries/api-keys";
import { env } from "@/lib/env";
import { FixedWindowKeyLimiter } from "@/lib/rate-limit/key-limiter";
import { getRedis } from "@/lib/rate-limit/limiter";
import { onShutdown } from "@/lib/shutdown";
import { processGlobal } from "@/shared/process-global";
import { KeyCache } from "./cache";
import { KeyChangeListener } from "./listener";
import { DbKeyStore } from "./store";
import { UsageBuffer } from "./usage";
import { Verifier } from "./verifier";

export type VerifyRuntime = {
  verifier: Verifier;
  usage: UsageBuffer;
  listener: KeyChangeListener;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export type RuntimeOptions = {
  redis?: Redis;
  windowSeconds?: number;
  defaultRateLimitPerMinute: number;
  flushMs: number;
  heartbeatMs?: number;
  cache?: KeyCache;
  /** The verifier's clock (expiry); tests pass their own. */
  now?: () => number;
};

/** Logs without key material: only the error's kind and code. */
function logIncident(what: string) {
  return (error: unknown) => {
    const e = error as { name?: string; code?: string; cause?: { code?: string } };
    console.error(`[latchkey] ${what}: ${e?.cause?.code ?? e?.code ?? e?.name ?? "error"}`);
  };
}

export function createVerifyRuntime(options: RuntimeOptions): VerifyRuntime {
  const cache = options.cache ?? new KeyCache();
  const db = () => getDb();
  const verifier = new Verifier({
    store: new DbKeyStore(db),
    cache,
    limiter: new FixedWindowKeyLimiter({
      redis: options.redis,
      windowSeconds: options.windowSeconds,
    }),
    defaultRateLimitPerMinute: options.defaultRateLimitPerMinute,
    now: options.now,
    onStoreError: logIncident("key store unreachable, refusing requests (503)"),
  });
  const usage = new UsageBuffer({
    db,
    flushMs: options.flushMs,
    onError: logIncident("usage flush failed, will retry"),
  });
  const listener = new KeyChangeListener({
    cache,
    channel: KEY_CHANGED_CHANNEL,
    listen: (channel, onMessage, onClose) => listen(channel, onMessage, onClose),
    notify: (channel, payload) => notify(getDb(), channel, [payload]),
    heartbeatMs: options.heartbeatMs,
    onError: logIncident("key change listener"),
  });
  return {
    verifier,
    usage,
    listener,
    async start() {
      usage.start();
      await listener.start();
    },
    async stop() {
      usage.stop();
      await usage.flush();
      await listener.stop();
    },
  };
}

const holder = processGlobal("verifyRuntime", () => ({
  runtime: undefined as VerifyRuntime | undefined,
}));

/** The process-wide verifier with its cache, change listener and usage buffer. */
export function getVerifyRuntime(): VerifyRuntime {
  if (holder.runtime) return holder.runtime;
  const config = env();
  const runtime = createVerifyRuntime({
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
