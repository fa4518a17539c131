import { and, eq, gte, lt, sql, sum } from "drizzle-orm";
import type { Db } from "@/db";
import { apiKeyUsage, apiKeyUsageDaily } from "@/db/schema";

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

/** Usage of one key of an organization over a period, from the flushed usage counters. */
export async function keyStats(
  db: Db,
  organizationId: string,
  keyId: string,
  period: StatsPeriod,
  now: Date = new Date(),
): Promise<KeyStats> {
  const since = new Date(now.getTime() - STATS_PERIODS[period]);
  // Whole days come from the daily rollup; only the first, partial day is read per minute. Both
  // are grouped by day, endpoint and error, and folded into totals, top endpoints and the daily
  // series here: a 90-day period reads ~90 rows per endpoint plus at most a day of minutes.
  const firstFullDay = new Date(
    Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate() + 1),
  );
  const dayOf = (column: typeof apiKeyUsage.minute | typeof apiKeyUsageDaily.day) =>
    sql<string>`to_char(date_trunc('day', ${column} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const [partialDay, fullDays] = await Promise.all([
    db
      .select({
        day: dayOf(apiKeyUsage.minute),
        method: apiKeyUsage.method,
        endpoint: apiKeyUsage.endpoint,
        error: sql<boolean>`${apiKeyUsage.statusClass} >= 400`,
        requests: sum(apiKeyUsage.requests).mapWith(Number),
        duration: sum(apiKeyUsage.totalDurationMs).mapWith(Number),
      })
      .from(apiKeyUsage)
      .where(
        and(
          eq(apiKeyUsage.organizationId, organizationId),
          eq(apiKeyUsage.keyId, keyId),
          gte(apiKeyUsage.minute, since),
          lt(apiKeyUsage.minute, firstFullDay),
        ),
      )
      .groupBy(sql`1`, apiKeyUsage.method, apiKeyUsage.endpoint, sql`4`),
    db
      .select({
        day: dayOf(apiKeyUsageDaily.day),
        method: apiKeyUsageDaily.method,
        endpoint: apiKeyUsageDaily.endpoint,
        error: sql<boolean>`${apiKeyUsageDaily.statusClass} >= 400`,
        requests: apiKeyUsageDaily.requests,
        duration: apiKeyUsageDaily.totalDurationMs,
      })
      .from(apiKeyUsageDaily)
      .where(
        and(
          eq(apiKeyUsageDaily.organizationId, organizationId),
          eq(apiKeyUsageDaily.keyId, keyId),
          gte(apiKeyUsageDaily.day, firstFullDay),
        ),
      ),
  ]);
  const groups = [...partialDay, ...fullDays];
  let total = 0;
  let errors = 0;
  let duration = 0;
  const byDay = new Map<string, { requests: number; errors: number }>();
  const byEndpoint = new Map<string, { method: string; endpoint: string; count: number }>();
  for (const g of groups) {
    total += g.requests;
    duration += g.duration;
    if (g.error) errors += g.requests;
    const day = byDay.get(g.day) ?? { requests: 0, errors: 0 };
    day.requests += g.requests;
    if (g.error) day.errors += g.requests;
    byDay.set(g.day, day);
    const id = `${g.method} ${g.endpoint}`;
    const endpoint = byEndpoint.get(id) ?? { method: g.method, endpoint: g.endpoint, count: 0 };
    endpoint.count += g.requests;
    byEndpoint.set(id, endpoint);
  }
  const topEndpoints = [...byEndpoint.values()].sort((a, b) => b.count - a.count).slice(0, 10);
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
    averageResponseTimeMs: total ? Math.round((duration / total) * 10) / 10 : 0,
    topEndpoints,
    daily,
  };
}
