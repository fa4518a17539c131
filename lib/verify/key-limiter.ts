import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import { createLimiter, type Limiter, RateLimiterRes } from "@/lib/limiter";
import type { KeyRateLimiter, RateLimitState } from "./ports";

/**
 * Per-key limits over a fixed window. A limiter has fixed points, so there is one per distinct
 * limit value, each from the shared factory (memory, or Redis with an in-memory fallback).
 */
export class FixedWindowKeyLimiter implements KeyRateLimiter {
  private readonly limiters = new LRUCache<number, Limiter>({ max: 1000 });

  constructor(
    private readonly options: { redis?: Redis; windowSeconds?: number; keyPrefix?: string } = {},
  ) {}

  private limiterFor(points: number): Limiter {
    let limiter = this.limiters.get(points);
    if (!limiter) {
      const duration = this.options.windowSeconds ?? 60;
      const keyPrefix = `${this.options.keyPrefix ?? "lk_rl"}_${points}`;
      limiter = createLimiter({ points, duration, keyPrefix }, this.options.redis);
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
