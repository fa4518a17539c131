import { randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { memberships, organizations, type Role, users } from "@/db/schema";

// A fixed argon2id hash is enough where the password is never checked.
const FAKE_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$YmFkYmFkYmFkYmFkYmFkYmFkYmFkYmFkYmFkYmFkYmE";

export async function createUser(name = "Test User") {
  const email = `${randomUUID()}@example.test`;
  const [user] = await getDb()
    .insert(users)
    .values({ name, email, passwordHash: FAKE_HASH })
    .returning({ id: users.id, email: users.email, name: users.name });
  if (!user) throw new Error("no user");
  return user;
}

/** An organization with an owner, plus optional extra members by role. */
export async function createOrg(name = "Acme", extra: Role[] = []) {
  const owner = await createUser("Owner");
  const [org] = await getDb()
    .insert(organizations)
    .values({ name })
    .returning({ id: organizations.id, name: organizations.name });
  if (!org) throw new Error("no org");
  await getDb()
    .insert(memberships)
    .values({ organizationId: org.id, userId: owner.id, role: "owner" });
  const others: Record<string, { id: string; email: string }> = {};
  for (const role of extra) {
    const u = await createUser(role);
    await getDb().insert(memberships).values({ organizationId: org.id, userId: u.id, role });
    others[role] = u;
  }
  return { org, owner, admin: others.admin, member: others.member };
}
