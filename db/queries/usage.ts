import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { enqueueRateLimitEvents } from "@/db/queries/webhooks";

/** One buffered usage counter: requests of a key in one minute, endpoint and status class. */
export type UsageBucket = {
  keyId: string;
  organizationId: string;
  /** Epoch ms of the start of the minute. */
  minute: number;
  method: string;
  endpoint: string;
  statusClass: number;
  requests: number;
  totalMs: number;
  /** The scopes the route required (what the key needed), kept for least-privilege hints. */
  scopes: readonly string[];
};

const BATCH_ROWS = 1000;
const DAY_MS = 86_400_000;

/**
 * Writes buffered usage in one transaction: counters are added to the per-minute and per-day
 * rows, each key's "last used" only moves forward, and rate-limit webhook events are queued (once
 * per key and minute). Called once per flush, never per request.
 */
export async function writeUsage(
  db: Db,
  buckets: readonly UsageBucket[],
  lastUsed: readonly (readonly [keyId: string, at: number])[],
  rateLimited: readonly { keyId: string; minute: number }[] = [],
): Promise<void> {
  await db.transaction(async (tx) => {
    for (let i = 0; i < buckets.length; i += BATCH_ROWS) {
      const rows = sql.join(
        buckets
          .slice(i, i + BATCH_ROWS)
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
    // The same counters per UTC day (the long-period stats read these), summed here first.
    const days = new Map<string, UsageBucket>();
    for (const b of buckets) {
      const day = b.minute - (b.minute % DAY_MS);
      const id = `${b.keyId} ${day} ${b.method} ${b.endpoint} ${b.statusClass}`;
      const sum = days.get(id);
      if (sum) {
        sum.requests += b.requests;
        sum.totalMs += Math.round(b.totalMs);
      } else days.set(id, { ...b, minute: day, totalMs: Math.round(b.totalMs) });
    }
    const daily = [...days.values()];
    for (let i = 0; i < daily.length; i += BATCH_ROWS) {
      const rows = sql.join(
        daily
          .slice(i, i + BATCH_ROWS)
          .map(
            (b) =>
              sql`(${b.keyId}::uuid, ${b.organizationId}::uuid, to_timestamp(${b.minute / 1000}), ${b.method}, ${b.endpoint}, ${b.statusClass}::int, ${b.requests}::bigint, ${b.totalMs}::bigint)`,
          ),
        sql`, `,
      );
      await tx.execute(sql`
        insert into api_key_usage_daily
          (key_id, organization_id, day, method, endpoint, status_class, requests, total_duration_ms)
        select v.* from (values ${rows}) as v(key_id, organization_id, day, method, endpoint, status_class, requests, total_duration_ms)
        where exists (select 1 from api_keys k where k.id = v.key_id)
        on conflict (key_id, day, method, endpoint, status_class) do update set
          requests = api_key_usage_daily.requests + excluded.requests,
          total_duration_ms = api_key_usage_daily.total_duration_ms + excluded.total_duration_ms`);
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
