import type { UsageBatch, UsageBucket } from "./usage-sql.ts";

export type UsageEvent = {
  keyId: string;
  organizationId: string;
  method: string;
  endpoint: string;
  status: number;
  durationMs: number;
  /** Epoch ms of the request. */
  at: number;
  /** False for requests refused after the key was identified (scope, IP, rate limit, credits). */
  verified: boolean;
  /** Set on a request refused by the key's rate limit (a `key.rate_limited` webhook a minute). */
  rateLimited?: boolean;
  /** Set on a request refused for want of credits: the period they ran out in. */
  usageExceededPeriod?: number;
  /** The scopes the route required: what the key actually needed (least-privilege hints). */
  scopes?: readonly string[];
};

type Bucket = UsageBucket;

/**
 * Counts requests in memory and writes them in one batched upsert per flush, instead of a write
 * per request: per key, minute, endpoint and status class, plus each key's latest use.
 */
export class UsageBuffer {
  private buckets = new Map<string, Bucket>();
  private lastUsed = new Map<string, number>();
  /** Keys refused by their rate limit, per minute: a `key.rate_limited` webhook each, at flush. */
  private rateLimited = new Map<string, { keyId: string; minute: number }>();
  /** Keys out of credits, per refill period: a `key.usage_exceeded` webhook each, at flush. */
  private usageExceeded = new Map<string, { keyId: string; period: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      /** Writes one flush's counts (usage-sql.ts `writeUsage`), in one transaction. */
      write: (batch: UsageBatch) => Promise<void>;
      flushMs: number;
      /** Flush early once this many buckets are waiting. */
      maxBuckets?: number;
      onError?: (error: unknown) => void;
    },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.deps.flushMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get pending(): number {
    return this.buckets.size;
  }

  record(event: UsageEvent): void {
    const minute = Math.floor(event.at / 60_000) * 60_000;
    const statusClass = Math.floor(event.status / 100) * 100;
    const id = `${event.keyId}|${minute}|${event.method}|${event.endpoint}|${statusClass}`;
    const bucket = this.buckets.get(id);
    if (bucket) {
      bucket.requests++;
      bucket.totalMs += event.durationMs;
    } else {
      this.buckets.set(id, {
        keyId: event.keyId,
        organizationId: event.organizationId,
        minute,
        method: event.method,
        endpoint: event.endpoint,
        statusClass,
        requests: 1,
        totalMs: event.durationMs,
        scopes: event.scopes ?? [],
      });
    }
    if (event.rateLimited) {
      this.rateLimited.set(`${event.keyId}|${minute}`, { keyId: event.keyId, minute });
    }
    if (event.usageExceededPeriod !== undefined) {
      const id = `${event.keyId}|${event.usageExceededPeriod}`;
      this.usageExceeded.set(id, { keyId: event.keyId, period: event.usageExceededPeriod });
    }
    if (event.verified) {
      const last = this.lastUsed.get(event.keyId) ?? 0;
      if (event.at > last) this.lastUsed.set(event.keyId, event.at);
    }
    if (this.buckets.size >= (this.deps.maxBuckets ?? 10_000)) void this.flush();
  }

  /** Writes everything buffered so far. Concurrent calls share one write; failures are retried. */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    // Last use is only ever recorded along with a bucket.
    if (this.buckets.size === 0) return;
    const buckets = [...this.buckets.values()];
    const lastUsed = [...this.lastUsed.entries()];
    const rateLimited = this.rateLimited;
    const usageExceeded = this.usageExceeded;
    this.buckets = new Map();
    this.lastUsed = new Map();
    this.rateLimited = new Map();
    this.usageExceeded = new Map();
    this.flushing = this.deps
      .write({
        buckets,
        lastUsed,
        rateLimited: [...rateLimited.values()],
        usageExceeded: [...usageExceeded.values()],
      })
      .catch((error) => {
        for (const [id, event] of rateLimited) this.rateLimited.set(id, event);
        for (const [id, event] of usageExceeded) this.usageExceeded.set(id, event);
        // Put the counts back so the next flush tries again; nothing is lost to a blip.
        for (const b of buckets) this.merge(b);
        for (const [id, at] of lastUsed) {
          if (at > (this.lastUsed.get(id) ?? 0)) this.lastUsed.set(id, at);
        }
        this.deps.onError?.(error);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  private merge(b: Bucket): void {
    const id = `${b.keyId}|${b.minute}|${b.method}|${b.endpoint}|${b.statusClass}`;
    const existing = this.buckets.get(id);
    if (existing) {
      existing.requests += b.requests;
      existing.totalMs += b.totalMs;
    } else this.buckets.set(id, { ...b });
  }
}
