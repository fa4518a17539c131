import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import { createLimiter, type Limiter, RateLimiterRes, retryAfterSeconds } from "./limiter.ts";
import type { KeyRateLimiter, RateLimitState } from "./ports.ts";

/**
 * Fixed windows per key in this process's memory: one Map entry per active key, and no timer or
 * promise per request (rate-limiter-flexible's memory store arms a timer per key and window and
 * wraps each call in a promise, measurable on the cache-hit path). Expired windows are swept
 * once per window.
 */
class MemoryWindows {
  private windows = new Map<string, { count: number; endsAt: number }>();
  private nextSweep = 0;

  constructor(private readonly windowMs: number) {}

  consume(id: string, limit: number): RateLimitState & { allowed: boolean } {
    const now = Date.now();
    if (now >= this.nextSweep) this.sweep(now);
    let window = this.windows.get(id);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + this.windowMs };
      this.windows.set(id, window);
    }
    window.count++;
    return {
      allowed: window.count <= limit,
      limit,
      remaining: Math.max(0, limit - window.count),
      reset: retryAfterSeconds(window.endsAt - now),
    };
  }

  private sweep(now: number): void {
    for (const [id, window] of this.windows) if (window.endsAt <= now) this.windows.delete(id);
    this.nextSweep = now + this.windowMs;
  }
}

/**
 * Per-key limits over a fixed window: in memory for one instance, or in Redis (shared by every
 * instance, with an in-memory fallback) through the shared limiter factory. A Redis limiter has
 * fixed points, so there is one per distinct limit value.
 */
export class FixedWindowKeyLimiter implements KeyRateLimiter {
  private readonly limiters = new LRUCache<number, Limiter>({ max: 1000 });
  private readonly memory: MemoryWindows | undefined;

  constructor(
    private readonly options: { redis?: Redis; windowSeconds?: number; keyPrefix?: string } = {},
  ) {
    if (!options.redis) this.memory = new MemoryWindows((options.windowSeconds ?? 60) * 1000);
  }

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
    if (this.memory) return this.memory.consume(keyId, limit);
    const state = (res: RateLimiterRes, allowed: boolean) => ({
      allowed,
      limit,
      remaining: Math.max(0, res.remainingPoints),
      reset: retryAfterSeconds(res.msBeforeNext),
    });
    try {
      return state(await this.limiterFor(limit).consume(keyId), true);
    } catch (error) {
      if (error instanceof RateLimiterRes) return state(error, false);
      throw error;
    }
  }
}
