import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { arrayLiteral } from "@/db/array-literal";
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
  // The per-day sums of the same counters (the long-period stats read these).
  const days = new Map<string, UsageBucket>();
  for (const b of buckets) {
    const day = b.minute - (b.minute % DAY_MS);
    const id = `${b.keyId} ${day} ${b.method} ${b.endpoint} ${b.statusClass}`;
    const sum = days.get(id);
    if (sum) {
      sum.requests += b.requests;
      sum.totalMs += b.totalMs;
    } else days.set(id, { ...b, minute: day });
  }
  const daily = [...days.values()];
  await db.transaction(async (tx) => {
    // Each batch is nine array parameters unnested in SQL: building and sending thousands of
    // separate parameters blocked the event loop for tens of milliseconds per flush. A key
    // deleted meanwhile (cascade) drops its rows instead of failing the batch.
    for (let i = 0; i < buckets.length; i += BATCH_ROWS) {
      const c = columns(buckets.slice(i, i + BATCH_ROWS));
      await tx.execute(sql`
        insert into api_key_usage
          (key_id, organization_id, minute, method, endpoint, status_class, requests, total_duration_ms, scopes)
        select v.key_id, v.organization_id, to_timestamp(v.minute / 1000.0), v.method, v.endpoint,
          v.status_class, v.requests, v.total_duration_ms, v.scopes::text[]
        from unnest(${c.keyIds}::uuid[], ${c.organizationIds}::uuid[], ${c.minutes}::bigint[],
          ${c.methods}::text[], ${c.endpoints}::text[], ${c.statusClasses}::int[],
          ${c.requests}::bigint[], ${c.durations}::bigint[], ${c.scopes}::text[])
          as v(key_id, organization_id, minute, method, endpoint, status_class, requests, total_duration_ms, scopes)
        where exists (select 1 from api_keys k where k.id = v.key_id)
        on conflict (key_id, minute, method, endpoint, status_class) do update set
          requests = api_key_usage.requests + excluded.requests,
          total_duration_ms = api_key_usage.total_duration_ms + excluded.total_duration_ms`);
    }
    for (let i = 0; i < daily.length; i += BATCH_ROWS) {
      const c = columns(daily.slice(i, i + BATCH_ROWS));
      await tx.execute(sql`
        insert into api_key_usage_daily
          (key_id, organization_id, day, method, endpoint, status_class, requests, total_duration_ms)
        select v.key_id, v.organization_id, to_timestamp(v.day / 1000.0), v.method, v.endpoint,
          v.status_class, v.requests, v.total_duration_ms
        from unnest(${c.keyIds}::uuid[], ${c.organizationIds}::uuid[], ${c.minutes}::bigint[],
          ${c.methods}::text[], ${c.endpoints}::text[], ${c.statusClasses}::int[],
          ${c.requests}::bigint[], ${c.durations}::bigint[])
          as v(key_id, organization_id, day, method, endpoint, status_class, requests, total_duration_ms)
        where exists (select 1 from api_keys k where k.id = v.key_id)
        on conflict (key_id, day, method, endpoint, status_class) do update set
          requests = api_key_usage_daily.requests + excluded.requests,
          total_duration_ms = api_key_usage_daily.total_duration_ms + excluded.total_duration_ms`);
    }
    if (lastUsed.length) {
      await tx.execute(sql`
        update api_keys k set last_used_at = greatest(k.last_used_at, to_timestamp(v.at / 1000.0))
        from unnest(${arrayLiteral(lastUsed.map(([id]) => id))}::uuid[],
          ${arrayLiteral(lastUsed.map(([, at]) => Math.round(at)))}::bigint[]) as v(id, at)
        where k.id = v.id`);
    }
    await enqueueRateLimitEvents(tx, rateLimited);
  });
}

/** A batch of buckets as one array literal per column. */
function columns(rows: readonly UsageBucket[]) {
  return {
    keyIds: arrayLiteral(rows.map((b) => b.keyId)),
    organizationIds: arrayLiteral(rows.map((b) => b.organizationId)),
    minutes: arrayLiteral(rows.map((b) => b.minute)),
    methods: arrayLiteral(rows.map((b) => b.method)),
    endpoints: arrayLiteral(rows.map((b) => b.endpoint)),
    statusClasses: arrayLiteral(rows.map((b) => b.statusClass)),
    requests: arrayLiteral(rows.map((b) => b.requests)),
    durations: arrayLiteral(rows.map((b) => Math.round(b.totalMs))),
    scopes: arrayLiteral(rows.map((b) => arrayLiteral(b.scopes))),
  };
}
