import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { enqueueRateLimitEvents } from "@/db/queries/webhooks";

export type UsageEvent = {
  keyId: string;
  organizationId: string;
  method: string;
  endpoint: string;
  status: number;
  durationMs: number;
  /** Epoch ms of the request. */
  at: number;
  /** False for requests refused after the key was identified (scope, IP, rate limit). */
  verified: boolean;
  /** The scopes the route required: what the key actually needed (least-privilege hints). */
  scopes?: readonly string[];
};

type Bucket = {
  keyId: string;
  organizationId: string;
  minute: number;
  method: string;
  endpoint: string;
  statusClass: number;
  requests: number;
  totalMs: number;
  scopes: readonly string[];
};

/**
 * Counts requests in memory and writes them in one batched upsert per flush, instead of a write
 * per request: per key, minute, endpoint and status class, plus each key's latest use.
 */
export class UsageBuffer {
  private buckets = new Map<string, Bucket>();
  private lastUsed = new Map<string, number>();
  /** Keys refused by their rate limit, per minute: a `key.rate_limited` webhook each, at flush. */
  private rateLimited = new Map<string, { keyId: string; minute: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      db: () => Db;
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
    if (!event.verified && event.status === 429) {
      this.rateLimited.set(`${event.keyId}|${minute}`, { keyId: event.keyId, minute });
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
    if (this.buckets.size === 0 && this.lastUsed.size === 0) return;
    const buckets = [...this.buckets.values()];
    const lastUsed = [...this.lastUsed.entries()];
    const rateLimited = this.rateLimited;
    this.buckets = new Map();
    this.lastUsed = new Map();
    this.rateLimited = new Map();
    this.flushing = this.write(buckets, lastUsed, [...rateLimited.values()])
      .catch((error) => {
        for (const [id, event] of rateLimited) this.rateLimited.set(id, event);
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

  private async write(
    buckets: Bucket[],
    lastUsed: [string, number][],
    rateLimited: { keyId: string; minute: number }[],
  ): Promise<void> {
    await this.deps.db().transaction(async (tx) => {
      for (let i = 0; i < buckets.length; i += 1000) {
        const rows = sql.join(
          buckets
            .slice(i, i + 1000)
            .map(
              (b) =>
                sql`(${b.keyId}::uuid, ${b.organizationId}::uuid, to_timestamp(${b.minute / 1000}), ${b.method}, ${b.endpoint}, ${b.statusClass}::int, ${b.requests}::bigint, ${Math.round(b.totalMs)}::bigint, ${`{${b.scopes.join(",")}}`}::text[])`,
            ),
          sql`, `,
        );
        // A key deleted meanwhile (cascade) drops its rows instead of failing the batch.
        await tx.execute(sql`
          insert into api_key_usage
            (key_id, organization_id, minute, method, endpoint, status_class, requests, total_duration_ms, scopes)
          select v.* from (values ${rows}) as v(key_id, organization_id, minute, method, endpoint, status_class, requests, total_duration_ms, scopes)
          where exists (select 1 from api_keys k where k.id = v.key_id)
          on conflict (key_id, minute, method, endpoint, status_class) do update set
            requests = api_key_usage.requests + excluded.requests,
            total_duration_ms = api_key_usage.total_duration_ms + excluded.total_duration_ms`);
      }
      if (lastUsed.length) {
        const rows = sql.join(
          lastUsed.map(([id, at]) => sql`(${id}::uuid, to_timestamp(${at / 1000}))`),
          sql`, `,
        );
        await tx.execute(sql`
          update api_keys k set last_used_at = greatest(k.last_used_at, v.at)
          from (values ${rows}) as v(id, at)
          where k.id = v.id`);
      }
      await enqueueRateLimitEvents(tx, rateLimited);
    });
  }
}
