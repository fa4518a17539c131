import { Redis } from "ioredis";
import {
  type IRateLimiterOptions,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";

export type Limiter = RateLimiterMemory | RateLimiterRedis;
export { RateLimiterRes };

/**
 * A client for the shared limits. During its first connection attempt, commands wait in
 * ioredis's queue: an instance's first requests after a start are then counted in Redis with
 * every other instance's, not let through by the in-memory fallback of a client that is merely
 * still connecting. Once that attempt has succeeded or failed, a missing Redis fails fast and the
 * fallback limits in memory rather than holding requests in a queue.
 */
export function connectRedis(url: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: false,
  });
  const failFast = () => {
    client.options.enableOfflineQueue = false;
  };
  client.once("ready", failFast);
  client.once("error", failFast);
  return client;
}

/**
 * The one fixed-window limiter factory (sign-in throttle and per-key limits alike): in memory for
 * a single instance, in Redis (shared by every instance) when a client is given.
 */
export function createLimiter(
  options: IRateLimiterOptions & { keyPrefix: string },
  redis: Redis | undefined,
): Limiter {
  if (redis) {
    // If Redis is unreachable, limit in memory rather than fail every request.
    return new RateLimiterRedis({
      ...options,
      storeClient: redis,
      useRedisPackage: false,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }
  return new RateLimiterMemory(options);
}

/** Whole seconds until a window frees up, at least 1: what Retry-After and RateLimit-Reset say. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

/**
 * Spends one of `key`'s points: 0 when the attempt may go ahead, else the seconds until it may
 * be tried again. Any failure other than a refusal is thrown.
 */
export async function spend(limiter: Limiter, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (error) {
    if (error instanceof RateLimiterRes) return retryAfterSeconds(error.msBeforeNext);
    throw error;
  }
}
