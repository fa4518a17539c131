import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { preciseTime } from "@/db/queries/key-pages";
import { customers } from "@/db/schema";

const customerColumns = {
  id: customers.id,
  name: customers.name,
  email: customers.email,
  createdAt: customers.createdAt,
};

/**
 * Keyset position: the last row seen (newest first), its time with microseconds as PostgreSQL
 * printed it. A millisecond `Date` would skip rows created later within that same millisecond.
 */
export type CustomerCursor = { t: string; id: string };

/**
 * Newest first on (created_at, id); `limit + 1` rows are read so the caller knows whether another
 * page follows, and `next` is the position after the last row returned.
 */
export async function listCustomers(
  db: Db,
  organizationId: string,
  options: { limit: number; after?: CustomerCursor | null },
) {
  const { limit, after } = options;
  const found = await db
    .select({ ...customerColumns, position: preciseTime(customers.createdAt) })
    .from(customers)
    .where(
      and(
        eq(customers.organizationId, organizationId),
        after
          ? sql`(${customers.createdAt}, ${customers.id}) < (${after.t}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(customers.createdAt), desc(customers.id))
    .limit(limit + 1);
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map(({ position: _, ...row }) => row),
    next: found.length > limit && last ? { t: last.position, id: last.id } : null,
  };
}

export async function createCustomer(
  db: Db,
  organizationId: string,
  input: { name: string; email: string },
) {
  const [created] = await db
    .insert(customers)
    .values({ organizationId, ...input })
    .returning(customerColumns);
  if (!created) throw new Error("insert returned no row");
  return created;
}
