import { and, eq, gte, sql } from "drizzle-orm";
import { type Db, executeRows } from "@/db";
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
  const rows = await executeRows<{ id: string; name: string; scopes: string[]; used: string[] }>(
    db,
    sql`
      select k.id, k.name, k.scopes, u.used
      from ${apiKeys} k
      join (
        select key_id, array_agg(distinct s.scope) as used
        from ${apiKeyUsage}, unnest(scopes) as s(scope)
        where organization_id = ${organizationId} and minute >= ${since(now).toISOString()}::timestamptz
        group by key_id
      ) u on u.key_id = k.id
      where k.organization_id = ${organizationId} and k.status = 'active'
      order by k.name, k.id`,
  );
  return rows
    .map((r) => ({ id: r.id, name: r.name, unused: r.scopes.filter((s) => !r.used.includes(s)) }))
    .filter((r) => r.unused.length > 0);
}
