/**
 * One verifier with everything it runs with: key cache, change listener, rate limiter, credit
 * ledger and usage buffer. Latchkey runs one per process; `createDirectVerifier` runs one inside
 * another service. Both are this function with different connections.
 */
import type { Redis } from "ioredis";
import { KeyCache } from "./cache.ts";
import { type DecideRequest, type Decision, decide } from "./decide.ts";
import {
  KEY_CHANGED_CHANNEL,
  KeyChangeListener,
  type ListenFn,
  type NotifyFn,
} from "./listener.ts";
import type { CreditSpender } from "./ports.ts";
import { FixedWindowKeyLimiter } from "./rate-limit.ts";
import type { Sql } from "./sql.ts";
import { SqlKeyStore } from "./store.ts";
import { UsageBuffer } from "./usage.ts";
import { writeUsage } from "./usage-sql.ts";
import { Verifier } from "./verifier.ts";

/** A credit ledger as the runtime drives it (credits/ledger.ts). */
export type RuntimeLedger = CreditSpender & {
  flush(): Promise<void>;
  close(): Promise<void>;
};

export type RuntimeOptions = {
  sql: Sql;
  listen: ListenFn;
  notify: NotifyFn;
  /** Shared rate limits (and the Redis credit ledger, if the caller made one). */
  redis?: Redis;
  credits?: RuntimeLedger;
  windowSeconds?: number;
  defaultRateLimitPerMinute: number;
  flushMs: number;
  heartbeatMs?: number;
  cache?: KeyCache;
  /** The verifier's clock (expiry); tests pass their own. */
  now?: () => number;
  /** Incidents, without key material: what happened and the error's code. */
  log?: (message: string) => void;
};

export type VerifyRuntime = {
  verifier: Verifier;
  usage: UsageBuffer;
  listener: KeyChangeListener;
  credits: RuntimeLedger | undefined;
  decide(request: DecideRequest): Promise<Decision>;
  start(): Promise<void>;
  /** Flushes usage and credits, then stops listening. */
  stop(): Promise<void>;
};

export function createVerifyRuntime(options: RuntimeOptions): VerifyRuntime {
  const log = options.log ?? ((message: string) => console.error(message));
  const incident = (what: string) => (error: unknown) => {
    const e = error as { name?: string; code?: string; cause?: { code?: string } };
    log(`[latchkey] ${what}: ${e?.cause?.code ?? e?.code ?? e?.name ?? "error"}`);
  };
  const cache = options.cache ?? new KeyCache();
  const credits = options.credits;
  const verifier = new Verifier({
    store: new SqlKeyStore(() => options.sql),
    cache,
    limiter: new FixedWindowKeyLimiter({
      redis: options.redis,
      windowSeconds: options.windowSeconds,
    }),
    credits,
    defaultRateLimitPerMinute: options.defaultRateLimitPerMinute,
    now: options.now,
    onStoreError: incident("key store unreachable, refusing requests (503)"),
  });
  const usage = new UsageBuffer({
    write: (batch) => writeUsage(options.sql, batch),
    flushMs: options.flushMs,
    onError: incident("usage flush failed, will retry"),
  });
  const listener = new KeyChangeListener({
    cache,
    channel: KEY_CHANGED_CHANNEL,
    listen: options.listen,
    notify: options.notify,
    heartbeatMs: options.heartbeatMs,
    onError: incident("key change listener"),
  });
  const flushCredits = () => credits?.flush().catch(incident("credits flush failed, will retry"));
  let timer: NodeJS.Timeout | undefined;
  const runtime: VerifyRuntime = {
    verifier,
    usage,
    listener,
    credits,
    decide: (request) => decide(runtime, request),
    async start() {
      usage.start();
      if (credits && !timer) {
        // Credits are persisted on the usage flush's beat.
        timer = setInterval(() => void flushCredits(), options.flushMs);
        timer.unref();
      }
      await listener.start();
    },
    async stop() {
      usage.stop();
      clearInterval(timer);
      timer = undefined;
      await Promise.all([usage.flush(), credits?.close().catch(incident("credits flush failed"))]);
      await listener.stop();
    },
  };
  return runtime;
}
