import { and, eq, gte, lt, lte, or, type SQL } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import type { Db } from "@/db";
import { apiKeyUsage, apiKeyUsageDaily } from "@/db/schema";

const DAY = 86_400_000;

/**
 * An organization's usage counters from `since` to `until` (optionally of one key), as rows of
 * (keyId, at, method, endpoint, statusClass, requests, totalDurationMs): per minute for the
 * partial first and last days, per day for every whole day between. A long period reads a row
 * per day instead of 1,440, and the totals are exact at both ends.
 */
export function usageBetween(
  db: Db,
  organizationId: string,
  since: Date,
  until: Date,
  keyId?: string,
) {
  const firstWholeDay = new Date(Math.ceil(since.getTime() / DAY) * DAY);
  const lastDay = new Date(Math.floor(until.getTime() / DAY) * DAY);
  const minuteScope: SQL[] = [eq(apiKeyUsage.organizationId, organizationId)];
  const dayScope: SQL[] = [eq(apiKeyUsageDaily.organizationId, organizationId)];
  if (keyId) {
    minuteScope.push(eq(apiKeyUsage.keyId, keyId));
    dayScope.push(eq(apiKeyUsageDaily.keyId, keyId));
  }
  const minutes = db
    .select({
      keyId: apiKeyUsage.keyId,
      at: apiKeyUsage.minute,
      method: apiKeyUsage.method,
      endpoint: apiKeyUsage.endpoint,
      statusClass: apiKeyUsage.statusClass,
      requests: apiKeyUsage.requests,
      totalDurationMs: apiKeyUsage.totalDurationMs,
    })
    .from(apiKeyUsage)
    .where(
      and(
        ...minuteScope,
        gte(apiKeyUsage.minute, since),
        lte(apiKeyUsage.minute, until),
        or(lt(apiKeyUsage.minute, firstWholeDay), gte(apiKeyUsage.minute, lastDay)),
      ),
    );
  const days = db
    .select({
      keyId: apiKeyUsageDaily.keyId,
      at: apiKeyUsageDaily.day,
      method: apiKeyUsageDaily.method,
      endpoint: apiKeyUsageDaily.endpoint,
      statusClass: apiKeyUsageDaily.statusClass,
      requests: apiKeyUsageDaily.requests,
      totalDurationMs: apiKeyUsageDaily.totalDurationMs,
    })
    .from(apiKeyUsageDaily)
    .where(
      and(...dayScope, gte(apiKeyUsageDaily.day, firstWholeDay), lt(apiKeyUsageDaily.day, lastDay)),
    );
  return unionAll(minutes, days).as("usage");
}
