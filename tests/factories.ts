import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { memberships, organizations, type Role, users } from "@/db/schema";
import type { CreateKeyInput } from "@/lib/keys/schemas";
import type { Actor } from "@/lib/keys/service/audit";
import { createKey } from "@/lib/keys/service/create";

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

/** Inserts n keys for an organization in one statement (names "key-00001"…). */
export async function seedKeys(organizationId: string, n: number) {
  await getDb().execute(sql`
    insert into api_keys (organization_id, name, environment, prefix, hash, scopes, status, created_at, last_used_at, expires_at)
    select ${organizationId}, 'key-' || lpad(i::text, 5, '0'), 'live', 'lk_live_' || lpad(i::text, 4, '0'),
           md5(${organizationId} || i::text) || md5(i::text), array['customers:read'],
           (case when i % 10 = 0 then 'revoked' when i % 10 = 1 then 'disabled' else 'active' end)::key_status,
           now() - (i || ' seconds')::interval,
           case when i % 3 = 0 then now() - (i || ' minutes')::interval end,
           case when i % 10 = 2 then now() - interval '1 day' end
    from generate_series(1, ${n}) as i`);
}

/** A valid key input: one scope, live, no expiry, no limits; override what a test is about. */
export function keyInput(patch: Partial<CreateKeyInput> = {}): CreateKeyInput {
  return {
    name: "Test key",
    description: null,
    scopes: ["customers:read"],
    environment: "live",
    expiresAt: null,
    allowedIps: [],
    rateLimitPerMinute: null,
    ...patch,
  };
}

/** Creates a key through the key service (audit row included), as `actor`. */
export function createTestKey(actor: Actor, patch: Partial<CreateKeyInput> = {}) {
  return createKey(getDb(), actor, keyInput(patch), "lk");
}
