import { sql, sum } from "drizzle-orm";
import type { Db } from "@/db";
import { usageBetween } from "@/db/queries/usage-rollup";

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
  // One pass, grouped by day, endpoint and error; totals, top endpoints and the daily series are
  // folded from those few hundred groups here. Whole days come from the daily rollup.
  const usage = usageBetween(db, organizationId, since, now, keyId);
  const groups = await db
    .select({
      day: sql<string>`to_char(date_trunc('day', ${usage.at} at time zone 'UTC'), 'YYYY-MM-DD')`,
      method: usage.method,
      endpoint: usage.endpoint,
      error: sql<boolean>`${usage.statusClass} >= 400`,
      requests: sum(usage.requests).mapWith(Number),
      duration: sum(usage.totalDurationMs).mapWith(Number),
    })
    .from(usage)
    .groupBy(sql`1`, usage.method, usage.endpoint, sql`4`);
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
