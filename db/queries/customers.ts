import { and, desc, eq, lt, or } from "drizzle-orm";
import type { Db } from "@/db";
import { customers } from "@/db/schema";

const customerColumns = {
  id: customers.id,
  name: customers.name,
  email: customers.email,
  createdAt: customers.createdAt,
};

/** Keyset position: the last row seen (newest first). */
export type CustomerCursor = { createdAt: Date; id: string };

/** Newest first; `limit + 1` rows are read so the caller knows whether another page follows. */
export async function listCustomers(
  db: Db,
  organizationId: string,
  options: { limit: number; after?: CustomerCursor | null },
) {
  const { limit, after } = options;
  const rows = await db
    .select(customerColumns)
    .from(customers)
    .where(
      and(
        eq(customers.organizationId, organizationId),
        after
          ? or(
              lt(customers.createdAt, after.createdAt),
              and(eq(customers.createdAt, after.createdAt), lt(customers.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(customers.createdAt), desc(customers.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
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
