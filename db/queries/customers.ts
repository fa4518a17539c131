import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { keyset } from "@/db/queries/keyset";
import { customers } from "@/db/schema";

const customerColumns = {
  id: customers.id,
  name: customers.name,
  email: customers.email,
  createdAt: customers.createdAt,
};

/** The position after the last customer seen (newest first); see `keyset`. */
export type CustomerCursor = { t: string; id: string };

const byCreated = keyset(customers.createdAt, customers.id, "uuid");

/** Newest first on (created_at, id); `next` is the position after the last row returned. */
export async function listCustomers(
  db: Db,
  organizationId: string,
  options: { limit: number; after?: CustomerCursor | null },
) {
  const { limit, after } = options;
  const found = await db
    .select({ ...customerColumns, position: byCreated.position })
    .from(customers)
    .where(
      and(
        eq(customers.organizationId, organizationId),
        byCreated.after(after ? { t: after.t, i: after.id } : null),
      ),
    )
    .orderBy(...byCreated.orderBy)
    .limit(byCreated.limit(limit));
  const { data, next } = byCreated.page(found, limit, (row) => row.id);
  return {
    rows: data.map(({ position: _, ...row }) => row),
    next: next ? { t: next.t, id: next.i } : null,
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
