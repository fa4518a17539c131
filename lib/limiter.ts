import { Redis } from "ioredis";
import {
  type IRateLimiterOptions,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import { env } from "@/lib/env";

export type Limiter = RateLimiterMemory | RateLimiterRedis;
export { RateLimiterRes };

const globalKey = Symbol.for("latchkey.redis");
type RedisHolder = { client?: Redis };
const holder: RedisHolder =
  ((globalThis as Record<symbol, unknown>)[globalKey] as RedisHolder) ?? {};
(globalThis as Record<symbol, unknown>)[globalKey] = holder;

export function getRedis(url: string): Redis {
  holder.client ??= new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: false,
  });
  return holder.client;
}

/**
 * A fixed-window limiter: in memory for a single instance, in Redis (shared by every instance)
 * when REDIS_URL is set or a client is passed.
 */
export function createLimiter(
  options: IRateLimiterOptions & { keyPrefix: string },
  redis: Redis | undefined = env().REDIS_URL ? getRedis(env().REDIS_URL as string) : undefined,
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
