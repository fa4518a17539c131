import { and, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { memberships, users } from "@/db/schema";
import { insertOrganizationWithOwner } from "./organizations";

export type UserSummary = {
  id: string;
  name: string;
  email: string;
  /** Sessions must carry this version; bumping it ends every older session. */
  sessionVersion: number;
};

/** Emails are unique case-insensitively (users_email_unique is on lower(email)). */
export async function findUserByEmail(
  db: Db,
  email: string,
): Promise<(UserSummary & { passwordHash: string }) | null> {
  const [user] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      sessionVersion: users.sessionVersion,
      passwordHash: users.passwordHash,
    })
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return user ?? null;
}

export async function getUserById(db: Db, id: string): Promise<UserSummary | null> {
  const [user] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      sessionVersion: users.sessionVersion,
    })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return user ?? null;
}

/** A new account: the user and their first organization, which they own. */
export async function createUserWithOrganization(
  db: Db,
  input: { name: string; email: string; passwordHash: string; organizationName: string },
): Promise<{ userId: string; organizationId: string }> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ name: input.name, email: input.email, passwordHash: input.passwordHash })
      .returning({ id: users.id });
    if (!user) throw new Error("insert returned no row");
    const organizationId = await insertOrganizationWithOwner(tx, input.organizationName, user.id);
    return { userId: user.id, organizationId };
  });
}

/**
 * Sets a new password hash and ends every session of the user, atomically (one UPDATE, so one
 * transaction): only while the user's session version is still `expectedVersion`, the version
 * of the session asking. Answers the new version, or null when that session has ended meanwhile
 * (signed out elsewhere, removed from the last organization) and nothing was changed.
 */
export async function setPasswordAndEndSessions(
  db: Db | Tx,
  userId: string,
  expectedVersion: number,
  passwordHash: string,
): Promise<number | null> {
  const [row] = await db
    .update(users)
    .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(and(eq(users.id, userId), eq(users.sessionVersion, expectedVersion)))
    .returning({ sessionVersion: users.sessionVersion });
  return row?.sessionVersion ?? null;
}

/** Ends every session the user holds: tokens carry the version they were issued with. */
export async function bumpSessionVersion(db: Db | Tx, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}

/**
 * Ends every session of the user, when `version` is still theirs: a session that has already
 * ended (a copied cookie used after sign-out) cannot end the others. Answers whether it did.
 */
export async function endSessionsFrom(db: Db, userId: string, version: number): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(and(eq(users.id, userId), eq(users.sessionVersion, version)))
    .returning({ id: users.id });
  return rows.length > 0;
}

/** Ends the user's sessions when they belong to no organization any more. Call in the tx. */
export async function endSessionsIfOrphaned(tx: Tx, userId: string): Promise<void> {
  const [left] = await tx
    .select({ id: memberships.userId })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .limit(1);
  if (!left) await bumpSessionVersion(tx, userId);
}
