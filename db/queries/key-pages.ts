/** Keyset-paginated reads for the management API, org-scoped by signature. */
import { and, desc, eq, type SQLWrapper, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { type KeyFilters, keyFilters, keyListColumns } from "@/db/queries/api-keys";
import { apiKeys } from "@/db/schema";

export type Keyset = { t: string; i: string };

/** A timestamp with its microseconds, so a cursor lands exactly between two rows. */
export const preciseTime = (column: SQLWrapper) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export type KeyPageFilters = Omit<KeyFilters, "status"> & {
  status?: "active" | "disabled" | "revoked" | "expired";
};

/**
 * Newest first, ordered on (created_at, id) so the order is total: a page boundary never moves
 * when keys are added, and a key added meanwhile shows up on no later page twice.
 */
export async function keyPage(
  db: Db,
  organizationId: string,
  filters: KeyPageFilters,
  page: { limit: number; after?: Keyset },
) {
  const rows = await db
    .select({ ...keyListColumns, position: preciseTime(apiKeys.createdAt) })
    .from(apiKeys)
    .where(
      and(
        keyFilters(organizationId, filters),
        page.after
          ? sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (${page.after.t}::timestamptz, ${page.after.i}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(page.limit + 1);
  const data = rows.slice(0, page.limit);
  const last = data.at(-1);
  return {
    data,
    next: rows.length > page.limit && last ? { t: last.position, i: last.id } : null,
  };
}
/** The key this one was rolled into, if any (the newest when it was rolled more than once). */
export async function rolledInto(db: Db, organizationId: string, id: string) {
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.rolledFromId, id)))
    .orderBy(desc(apiKeys.createdAt))
    .limit(1);
  return row ?? null;
}

export async function rolledFrom(db: Db, organizationId: string, id: string | null) {
  if (!id) return null;
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)))
    .limit(1);
  return row ?? null;
}
