import { and, eq, gte, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { apiKeys, apiKeyUsage } from "@/db/schema";

export const SCOPE_USAGE_DAYS = 30;

const since = (now: Date) => new Date(now.getTime() - SCOPE_USAGE_DAYS * 86_400_000);

/** The scopes a key's verified requests actually needed in the last 30 days. */
export async function scopesUsed(
  db: Db,
  organizationId: string,
  keyId: string,
  now = new Date(),
): Promise<string[]> {
  const rows = await db
    .selectDistinct({ scope: sql<string>`unnest(${apiKeyUsage.scopes})` })
    .from(apiKeyUsage)
    .where(
      and(
        eq(apiKeyUsage.organizationId, organizationId),
        eq(apiKeyUsage.keyId, keyId),
        gte(apiKeyUsage.minute, since(now)),
      ),
    );
  return rows.map((r) => r.scope).sort();
}

/**
 * Active keys that were used in the last 30 days but hold scopes none of those requests needed:
 * candidates for narrowing.
 */
export async function keysWithUnusedScopes(db: Db, organizationId: string, now = new Date()) {
  const used = db
    .select({
      keyId: apiKeyUsage.keyId,
      scopes: sql<string[]>`coalesce(array_agg(distinct s.scope), '{}')`.as("used"),
    })
    .from(sql`${apiKeyUsage}, unnest(${apiKeyUsage.scopes}) as s(scope)`)
    .where(and(eq(apiKeyUsage.organizationId, organizationId), gte(apiKeyUsage.minute, since(now))))
    .groupBy(apiKeyUsage.keyId)
    .as("used");
  const rows = await db
    .select({ id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, used: used.scopes })
    .from(apiKeys)
    .innerJoin(used, eq(used.keyId, apiKeys.id))
    .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.status, "active")));
  return rows
    .map((r) => ({
      id: r.id,
      name: r.name,
      unused: r.scopes.filter((s) => !r.used.includes(s)),
    }))
    .filter((r) => r.unused.length > 0);
}
