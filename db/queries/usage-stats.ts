import { and, desc, eq, gte, sql, sum } from "drizzle-orm";
import type { Db } from "@/db";
import { apiKeyUsage } from "@/db/schema";

export const STATS_PERIODS = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
  "90d": 90 * 86_400_000,
} as const;
export type StatsPeriod = keyof typeof STATS_PERIODS;

export type KeyStats = {
  period: StatsPeriod;
  totalRequests: number;
  successfulRequests: number;
  errorRequests: number;
  averageResponseTimeMs: number;
  topEndpoints: { method: string; endpoint: string; count: number }[];
  daily: { date: string; requests: number; errors: number }[];
};

/** Usage of one key of an organization over a period, from the flushed per-minute counters. */
export async function keyStats(
  db: Db,
  organizationId: string,
  keyId: string,
  period: StatsPeriod,
  now: Date = new Date(),
): Promise<KeyStats> {
  const since = new Date(now.getTime() - STATS_PERIODS[period]);
  const where = and(
    eq(apiKeyUsage.organizationId, organizationId),
    eq(apiKeyUsage.keyId, keyId),
    gte(apiKeyUsage.minute, since),
  );
  const isError = sql`${apiKeyUsage.statusClass} >= 400`;
  const [totals, endpoints, days] = await Promise.all([
    db
      .select({
        total: sum(apiKeyUsage.requests).mapWith(Number),
        errors:
          sql<number>`coalesce(sum(${apiKeyUsage.requests}) filter (where ${isError}), 0)`.mapWith(
            Number,
          ),
        duration: sum(apiKeyUsage.totalDurationMs).mapWith(Number),
      })
      .from(apiKeyUsage)
      .where(where),
    db
      .select({
        method: apiKeyUsage.method,
        endpoint: apiKeyUsage.endpoint,
        count: sum(apiKeyUsage.requests).mapWith(Number),
      })
      .from(apiKeyUsage)
      .where(where)
      .groupBy(apiKeyUsage.method, apiKeyUsage.endpoint)
      .orderBy(desc(sum(apiKeyUsage.requests)))
      .limit(10),
    db
      .select({
        day: sql<string>`to_char(date_trunc('day', ${apiKeyUsage.minute} at time zone 'UTC'), 'YYYY-MM-DD')`,
        requests: sum(apiKeyUsage.requests).mapWith(Number),
        errors:
          sql<number>`coalesce(sum(${apiKeyUsage.requests}) filter (where ${isError}), 0)`.mapWith(
            Number,
          ),
      })
      .from(apiKeyUsage)
      .where(where)
      .groupBy(sql`1`),
  ]);
  const total = totals[0]?.total ?? 0;
  const errors = totals[0]?.errors ?? 0;
  const byDay = new Map(days.map((d) => [d.day, d]));
  // One entry per UTC day of the period, zero-filled, oldest first.
  const daily: KeyStats["daily"] = [];
  const first = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate());
  for (let t = first; t <= now.getTime(); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const d = byDay.get(date);
    daily.push({ date, requests: d?.requests ?? 0, errors: d?.errors ?? 0 });
  }
  return {
    period,
    totalRequests: total,
    successfulRequests: total - errors,
    errorRequests: errors,
    averageResponseTimeMs: total ? Math.round(((totals[0]?.duration ?? 0) / total) * 10) / 10 : 0,
    topEndpoints: endpoints,
    daily,
  };
}
