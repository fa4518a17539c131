import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { insertOrganizationWithOwner } from "./organizations";

export type UserSummary = { id: string; name: string; email: string };

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
      passwordHash: users.passwordHash,
    })
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return user ?? null;
}

export async function getUserById(db: Db, id: string): Promise<UserSummary | null> {
  const [user] = await db
    .select({ id: users.id, name: users.name, email: users.email })
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
