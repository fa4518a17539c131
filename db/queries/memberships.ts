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
 * Locks every owner row of the organization (in one order, so concurrent callers queue rather
 * than deadlock) for the rest of the transaction and returns the owners' user ids. Two owners
 * demoting each other at once are serialized: the second sees the first's change.
 */
export async function lockOwners(tx: Tx, organizationId: string): Promise<string[]> {
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, "owner")))
    .orderBy(asc(memberships.userId))
    .for("update");
  return owners.map((o) => o.userId);
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
