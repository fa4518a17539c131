import { eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { memberships, users } from "@/db/schema";

/** The user a session names, with the session version their sessions must carry. */
export async function getSessionUserRow(db: Db, userId: string) {
  const [user] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      sessionVersion: users.sessionVersion,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return user ?? null;
}

/** Ends every session the user holds: tokens carry the version they were issued with. */
export async function bumpSessionVersion(db: Db | Tx, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
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
