import { eq } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { memberships, organizations } from "@/db/schema";

/** Inside the caller's transaction: the organization and its first owner. */
export async function insertOrganizationWithOwner(
  tx: Tx,
  name: string,
  ownerUserId: string,
): Promise<string> {
  const [org] = await tx.insert(organizations).values({ name }).returning({ id: organizations.id });
  if (!org) throw new Error("insert returned no row");
  await tx
    .insert(memberships)
    .values({ organizationId: org.id, userId: ownerUserId, role: "owner" });
  return org.id;
}

export function createOrganizationWithOwner(
  db: Db,
  name: string,
  ownerUserId: string,
): Promise<string> {
  return db.transaction((tx) => insertOrganizationWithOwner(tx, name, ownerUserId));
}

export async function setOrganizationName(
  db: Db,
  organizationId: string,
  name: string,
): Promise<void> {
  await db.update(organizations).set({ name }).where(eq(organizations.id, organizationId));
}
