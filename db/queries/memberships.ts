import { and, asc, count, eq } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { memberships, organizations, type Role, users } from "@/db/schema";

export type MembershipRow = { organizationId: string; organizationName: string; role: Role };

export function listUserMemberships(db: Db, userId: string): Promise<MembershipRow[]> {
  return db
    .select({
      organizationId: memberships.organizationId,
      organizationName: organizations.name,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(organizations.name));
}

export function listOrgMembers(db: Db, organizationId: string) {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, organizationId))
    .orderBy(asc(memberships.createdAt), asc(users.email));
}

export async function getMembershipRole(
  db: Db | Tx,
  organizationId: string,
  userId: string,
): Promise<Role | null> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .limit(1);
  return row?.role ?? null;
}

export async function countMembers(db: Db, organizationId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(eq(memberships.organizationId, organizationId));
  return row?.n ?? 0;
}

const membership = (organizationId: string, userId: string) =>
  and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId));

export async function insertMembership(
  db: Db | Tx,
  organizationId: string,
  userId: string,
  role: Role,
): Promise<void> {
  await db.insert(memberships).values({ organizationId, userId, role });
}

export async function updateMembershipRole(
  tx: Tx,
  organizationId: string,
  userId: string,
  role: Role,
): Promise<void> {
  await tx.update(memberships).set({ role }).where(membership(organizationId, userId));
}

export async function deleteMembership(
  tx: Tx,
  organizationId: string,
  userId: string,
): Promise<void> {
  await tx.delete(memberships).where(membership(organizationId, userId));
}

/**
 * Locks one member's row for the rest of the transaction and counts the organization's owners,
 * so a role change or removal can refuse to leave the organization without one.
 */
export async function lockMemberAndCountOwners(tx: Tx, organizationId: string, userId: string) {
  const [target] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(membership(organizationId, userId))
    .for("update");
  const [owners] = await tx
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, "owner")));
  return { role: target?.role ?? null, owners: owners?.n ?? 0 };
}

/** A member of the organization with what the audit trail records of them, or null. */
export async function getMember(db: Db | Tx, organizationId: string, userId: string) {
  const [row] = await db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(membership(organizationId, userId))
    .limit(1);
  return row ?? null;
}
