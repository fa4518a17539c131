/** The organization's overview: key counts, traffic across all keys, keys that need attention. */

import { periodOf } from "@latchkey/verify/credits/period";
import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  isNotNull,
  isNull,
  lte,
  ne,
  or,
  sql,
  sum,
} from "drizzle-orm";
import type { Db } from "@/db";
import { countByStatus, EXPIRING_SOON_MS, type StatusCounts } from "@/db/key-status";
import { usageBetween } from "@/db/queries/usage-rollup";
import { apiKeys } from "@/db/schema";

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Keys idle this long are offered as candidates to revoke. */
export const UNUSED_AFTER_DAYS = 30;

/** Keys by derived status (an expired key counts as expired, not active), expiry judged at `now`. */
export async function keyStatusCounts(
  db: Db,
  organizationId: string,
  now: Date = new Date(),
): Promise<StatusCounts> {
  const expired = sql<boolean>`coalesce(${apiKeys.expiresAt} <= ${now.toISOString()}::timestamptz, false)`;
  const groups = await db
    .select({ status: apiKeys.status, expired, n: count() })
    .from(apiKeys)
    .where(eq(apiKeys.organizationId, organizationId))
    // By position: the expiry test carries a parameter, which would not match a second copy.
    .groupBy(sql`1`, sql`2`);
  return countByStatus(groups);
}

export type TrafficBucket = { at: string; requests: number; errors: number };
export type TrafficWindow = {
  requests: number;
  errors: number;
  /** errors / requests, 0 without traffic. */
  errorRate: number;
  buckets: TrafficBucket[];
};

/**
 * Requests and errors of all the organization's keys from `since` to `now`, per UTC hour or day,
 * zero-filled, oldest first. The first bucket is partial, so the buckets add up to the totals.
 */
async function trafficWindow(
  db: Db,
  organizationId: string,
  since: Date,
  now: Date,
  unit: "hour" | "day",
): Promise<TrafficWindow> {
  const format = unit === "hour" ? `YYYY-MM-DD"T"HH24":00:00Z"` : "YYYY-MM-DD";
  const usage = usageBetween(db, organizationId, since, now);
  const bucket = sql<string>`to_char(date_trunc(${unit}, ${usage.at} at time zone 'UTC'), ${format})`;
  const rows = await db
    .select({
      at: bucket,
      requests: sum(usage.requests).mapWith(Number),
      errors:
        sql<number>`coalesce(sum(${usage.requests}) filter (where ${usage.statusClass} >= 400), 0)`.mapWith(
          Number,
        ),
    })
    .from(usage)
    .groupBy(sql`1`);
  const byBucket = new Map(rows.map((r) => [r.at, r]));
  const step = unit === "hour" ? HOUR : DAY;
  const first = Math.floor(since.getTime() / step) * step;
  const buckets: TrafficBucket[] = [];
  for (let t = first; t <= now.getTime(); t += step) {
    const iso = new Date(t).toISOString();
    const at = unit === "hour" ? `${iso.slice(0, 13)}:00:00Z` : iso.slice(0, 10);
    const row = byBucket.get(at);
    buckets.push({ at, requests: row?.requests ?? 0, errors: row?.errors ?? 0 });
  }
  const requests = buckets.reduce((n, b) => n + b.requests, 0);
  const errors = buckets.reduce((n, b) => n + b.errors, 0);
  return { requests, errors, errorRate: requests ? errors / requests : 0, buckets };
}

/** Traffic over the last 24 hours (hourly) and 7 days (daily). */
export async function orgTraffic(db: Db, organizationId: string, now: Date = new Date()) {
  const [last24h, last7d] = await Promise.all([
    trafficWindow(db, organizationId, new Date(now.getTime() - DAY), now, "hour"),
    trafficWindow(db, organizationId, new Date(now.getTime() - 7 * DAY), now, "day"),
  ]);
  return { last24h, last7d };
}

/** The keys with the most requests over the last 7 days. */
export function topKeys(db: Db, organizationId: string, now: Date = new Date(), limit = 5) {
  const usage = usageBetween(db, organizationId, new Date(now.getTime() - 7 * DAY), now);
  const requests = sum(usage.requests).mapWith(Number);
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      status: apiKeys.status,
      expiresAt: apiKeys.expiresAt,
      requests,
      errors:
        sql<number>`coalesce(sum(${usage.requests}) filter (where ${usage.statusClass} >= 400), 0)`.mapWith(
          Number,
        ),
    })
    .from(usage)
    .innerJoin(
      apiKeys,
      and(eq(apiKeys.id, usage.keyId), eq(apiKeys.organizationId, organizationId)),
    )
    .groupBy(apiKeys.id)
    .orderBy(desc(requests), asc(apiKeys.name))
    .limit(limit);
}

const attentionColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  status: apiKeys.status,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
  createdAt: apiKeys.createdAt,
};

async function listWithTotal(
  db: Db,
  where: ReturnType<typeof and>,
  order: ReturnType<typeof asc>[],
  limit: number,
) {
  const [rows, [total]] = await Promise.all([
    db
      .select(attentionColumns)
      .from(apiKeys)
      .where(where)
      .orderBy(...order)
      .limit(limit),
    db.select({ n: count() }).from(apiKeys).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/**
 * Keys not revoked whose expiry falls within the next 7 days, soonest first: the same rule as
 * `isExpiringSoon` in lib/keys/status.ts.
 */
export function expiringKeys(db: Db, organizationId: string, now: Date = new Date(), limit = 5) {
  return listWithTotal(
    db,
    and(
      eq(apiKeys.organizationId, organizationId),
      ne(apiKeys.status, "revoked"),
      gt(apiKeys.expiresAt, now),
      lte(apiKeys.expiresAt, new Date(now.getTime() + EXPIRING_SOON_MS)),
    ),
    [asc(apiKeys.expiresAt), asc(apiKeys.id)],
    limit,
  );
}

/**
 * Keys that still work (or could be enabled) but have not been used for 30+ days, or never in
 * their first 30 days: candidates to revoke. Longest idle first.
 */
export function unusedKeys(db: Db, organizationId: string, now: Date = new Date(), limit = 5) {
  const cutoff = new Date(now.getTime() - UNUSED_AFTER_DAYS * DAY);
  const idleSince = sql`coalesce(${apiKeys.lastUsedAt}, ${apiKeys.createdAt})`;
  return listWithTotal(
    db,
    and(
      eq(apiKeys.organizationId, organizationId),
      ne(apiKeys.status, "revoked"),
      or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
      // Raw SQL gets no column type to encode a Date with: pass it as text.
      sql`${idleSince} < ${cutoff.toISOString()}::timestamptz`,
    ),
    [asc(idleSince), asc(apiKeys.id)],
    limit,
  );
}

/** A key is running low when this share of its usage limit or less is left. */
export const LOW_USAGE_SHARE = 0.1;

/**
 * Keys still in use with a usage limit and at most 10% of it left in their current period (a
 * refill that came due counts as done), emptiest first: the ones about to be refused with
 * `usage_exceeded`, or already refused.
 */
export async function lowUsageKeys(
  db: Db,
  organizationId: string,
  now: Date = new Date(),
  limit = 5,
) {
  const at = now.getTime();
  const currentPeriod = sql`(case ${apiKeys.usageRefill} when 'daily' then ${periodOf("daily", at)}::int when 'monthly' then ${periodOf("monthly", at)}::int else 0 end)`;
  const left = sql<number>`(case when ${apiKeys.usageRefill} <> 'never' and ${apiKeys.usagePeriod} < ${currentPeriod} then ${apiKeys.usageLimit} else coalesce(${apiKeys.usageRemaining}, 0) end)`;
  const where = and(
    eq(apiKeys.organizationId, organizationId),
    isNotNull(apiKeys.usageLimit),
    ne(apiKeys.status, "revoked"),
    or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
    sql`${left} <= ${apiKeys.usageLimit} * ${LOW_USAGE_SHARE}::float8`,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: apiKeys.id,
        name: apiKeys.name,
        prefix: apiKeys.prefix,
        usageLimit: apiKeys.usageLimit,
        usageRefill: apiKeys.usageRefill,
        usageRemaining: apiKeys.usageRemaining,
        usagePeriod: apiKeys.usagePeriod,
      })
      .from(apiKeys)
      .where(where)
      .orderBy(sql`${left}::float8 / ${apiKeys.usageLimit}`, asc(apiKeys.name), asc(apiKeys.id))
      .limit(limit),
    db.select({ n: count() }).from(apiKeys).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}
