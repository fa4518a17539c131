import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { KeyRateLimiter, RateLimitState } from "./types";

type Limiter = RateLimiterMemory | RateLimiterRedis;

/**
 * Fixed-window per-key limits with rate-limiter-flexible: in memory, or in Redis (shared by all
 * instances) with an in-memory insurance limiter if Redis becomes unreachable. One limiter per
 * distinct limit value, since a limiter has fixed points.
 */
export class KeyRateLimiterImpl implements KeyRateLimiter {
  private readonly limiters = new LRUCache<number, Limiter>({ max: 1000 });

  constructor(
    private readonly options: { redis?: Redis; windowSeconds?: number; keyPrefix?: string } = {},
  ) {}

  private limiterFor(points: number): Limiter {
    let limiter = this.limiters.get(points);
    if (!limiter) {
      const duration = this.options.windowSeconds ?? 60;
      const keyPrefix = `${this.options.keyPrefix ?? "lk_rl"}_${points}`;
      limiter = this.options.redis
        ? new RateLimiterRedis({
            storeClient: this.options.redis,
            useRedisPackage: false,
            points,
            duration,
            keyPrefix,
            insuranceLimiter: new RateLimiterMemory({ points, duration, keyPrefix }),
          })
        : new RateLimiterMemory({ points, duration, keyPrefix });
      this.limiters.set(points, limiter);
    }
    return limiter;
  }

  async consume(keyId: string, limit: number): Promise<RateLimitState & { allowed: boolean }> {
    const state = (res: RateLimiterRes, allowed: boolean) => ({
      allowed,
      limit,
      remaining: Math.max(0, res.remainingPoints),
      reset: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    });
    try {
      return state(await this.limiterFor(limit).consume(keyId), true);
    } catch (error) {
      if (error instanceof RateLimiterRes) return state(error, false);
      throw error;
    }
  }
}
