/**
 * Writing buffered usage to Latchkey's database: the SQL of a usage flush, whichever process
 * (the app, or a direct verifier in another service) counted the requests.
 */
import { arrayLiteral } from "./array-literal.ts";
import type { Sql } from "./sql.ts";

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

export type UsageBatch = {
  buckets: readonly UsageBucket[];
  /** Each key's latest verified use, epoch ms. */
  lastUsed: readonly (readonly [keyId: string, at: number])[];
  /** Keys refused by their rate limit, per minute (epoch ms of its start). */
  rateLimited?: readonly { keyId: string; minute: number }[];
  /** Keys refused for want of credits, per refill period. */
  usageExceeded?: readonly { keyId: string; period: number }[];
};

const BATCH_ROWS = 1000;
const DAY_MS = 86_400_000;
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO})`;

const INSERT_MINUTES = `
  insert into api_key_usage
    (key_id, organization_id, minute, method, endpoint, status_class, requests, total_duration_ms, scopes)
  select v.key_id, v.organization_id, to_timestamp(v.minute / 1000.0), v.method, v.endpoint,
    v.status_class, v.requests, v.total_duration_ms, v.scopes::text[]
  from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::int[],
    $7::bigint[], $8::bigint[], $9::text[])
    as v(key_id, organization_id, minute, method, endpoint, status_class, requests, total_duration_ms, scopes)
  where exists (select 1 from api_keys k where k.id = v.key_id)
  on conflict (key_id, minute, method, endpoint, status_class) do update set
    requests = api_key_usage.requests + excluded.requests,
    total_duration_ms = api_key_usage.total_duration_ms + excluded.total_duration_ms`;

const INSERT_DAYS = `
  insert into api_key_usage_daily
    (key_id, organization_id, day, method, endpoint, status_class, requests, total_duration_ms)
  select v.key_id, v.organization_id, to_timestamp(v.day / 1000.0), v.method, v.endpoint,
    v.status_class, v.requests, v.total_duration_ms
  from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::int[],
    $7::bigint[], $8::bigint[])
    as v(key_id, organization_id, day, method, endpoint, status_class, requests, total_duration_ms)
  where exists (select 1 from api_keys k where k.id = v.key_id)
  on conflict (key_id, day, method, endpoint, status_class) do update set
    requests = api_key_usage_daily.requests + excluded.requests,
    total_duration_ms = api_key_usage_daily.total_duration_ms + excluded.total_duration_ms`;

const UPDATE_LAST_USED = `
  update api_keys k set last_used_at = greatest(k.last_used_at, to_timestamp(v.at / 1000.0))
  from unnest($1::uuid[], $2::bigint[]) as v(id, at)
  where k.id = v.id`;

/** `key.rate_limited`, once per key and minute (the dedupe key), for keys with a webhook. */
const ENQUEUE_RATE_LIMITED = `
  insert into webhook_deliveries (organization_id, key_id, event_type, payload, url, dedupe_key)
  select k.organization_id, k.id, 'key.rate_limited',
    jsonb_build_object('type', 'key.rate_limited', 'timestamp', ${iso("now()")}, 'data',
      jsonb_build_object('keyId', k.id, 'organizationId', k.organization_id, 'name', k.name,
        'minute', ${iso("to_timestamp(v.minute / 1000.0)")},
        'rateLimitPerMinute', k.rate_limit_per_minute)),
    k.webhook_url,
    'key.rate_limited:' || k.id || ':' || v.minute
  from unnest($1::uuid[], $2::bigint[]) as v(key_id, minute)
  join api_keys k on k.id = v.key_id
  where k.webhook_url is not null
  on conflict (dedupe_key) do nothing`;

/** `key.usage_exceeded`, at most once per key and refill period (the dedupe key). */
const ENQUEUE_USAGE_EXCEEDED = `
  insert into webhook_deliveries (organization_id, key_id, event_type, payload, url, dedupe_key)
  select k.organization_id, k.id, 'key.usage_exceeded',
    jsonb_build_object('type', 'key.usage_exceeded', 'timestamp', ${iso("now()")}, 'data',
      jsonb_build_object('keyId', k.id, 'organizationId', k.organization_id, 'name', k.name,
        'usageLimit', k.usage_limit, 'usageRefill', k.usage_refill, 'period', v.period)),
    k.webhook_url,
    'key.usage_exceeded:' || k.id || ':' || v.period
  from unnest($1::uuid[], $2::int[]) as v(key_id, period)
  join api_keys k on k.id = v.key_id
  where k.webhook_url is not null and k.usage_limit is not null
  on conflict (dedupe_key) do nothing`;

/**
 * Writes one flush in one transaction: counters are added to the per-minute and per-day rows,
 * each key's "last used" only moves forward, and webhook events are queued. Each batch of rows is
 * a few array parameters unnested in SQL: building thousands of separate parameters blocked the
 * event loop for tens of milliseconds per flush. A key deleted meanwhile (cascade) drops its rows
 * instead of failing the batch.
 */
export async function writeUsage(sql: Sql, batch: UsageBatch): Promise<void> {
  const { buckets, lastUsed } = batch;
  const rateLimited = batch.rateLimited ?? [];
  const usageExceeded = batch.usageExceeded ?? [];
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
  await sql.transaction(async (tx) => {
    for (let i = 0; i < buckets.length; i += BATCH_ROWS) {
      await tx.query(INSERT_MINUTES, columns(buckets.slice(i, i + BATCH_ROWS), true));
    }
    for (let i = 0; i < daily.length; i += BATCH_ROWS) {
      await tx.query(INSERT_DAYS, columns(daily.slice(i, i + BATCH_ROWS), false));
    }
    if (lastUsed.length) {
      await tx.query(UPDATE_LAST_USED, [
        arrayLiteral(lastUsed.map(([id]) => id)),
        arrayLiteral(lastUsed.map(([, at]) => Math.round(at))),
      ]);
    }
    if (rateLimited.length) {
      await tx.query(ENQUEUE_RATE_LIMITED, [
        arrayLiteral(rateLimited.map((e) => e.keyId)),
        arrayLiteral(rateLimited.map((e) => Math.round(e.minute))),
      ]);
    }
    if (usageExceeded.length) {
      await tx.query(ENQUEUE_USAGE_EXCEEDED, [
        arrayLiteral(usageExceeded.map((e) => e.keyId)),
        arrayLiteral(usageExceeded.map((e) => e.period)),
      ]);
    }
  });
}

/** A batch of buckets as one array literal per column. */
function columns(rows: readonly UsageBucket[], withScopes: boolean): string[] {
  const values = [
    arrayLiteral(rows.map((b) => b.keyId)),
    arrayLiteral(rows.map((b) => b.organizationId)),
    arrayLiteral(rows.map((b) => b.minute)),
    arrayLiteral(rows.map((b) => b.method)),
    arrayLiteral(rows.map((b) => b.endpoint)),
    arrayLiteral(rows.map((b) => b.statusClass)),
    arrayLiteral(rows.map((b) => b.requests)),
    arrayLiteral(rows.map((b) => Math.round(b.totalMs))),
  ];
  if (withScopes) values.push(arrayLiteral(rows.map((b) => arrayLiteral(b.scopes))));
  return values;
}
