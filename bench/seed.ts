/** Bench data: organizations, real keys (so the server can verify them) and 90 days of usage. */
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { arrayLiteral } from "@/db/array-literal";
import { type UsageBucket, writeUsage } from "@/db/queries/usage";
import { memberships, organizations, users } from "@/db/schema";
import { generateApiKey } from "@/lib/keys/format";
import { seedKeys } from "@/tests/factories";

export type BenchKey = { key: string; hash: string };

export async function createBenchOrg(db: Db, name: string): Promise<string> {
  const [org] = await db.insert(organizations).values({ name }).returning();
  const [user] = await db
    .insert(users)
    .values({
      name: `${name} owner`,
      email: `${crypto.randomUUID()}@bench.test`,
      passwordHash: "x",
    })
    .returning();
  if (!org || !user) throw new Error("seed failed");
  await db.insert(memberships).values({ organizationId: org.id, userId: user.id, role: "owner" });
  return org.id;
}

/**
 * Inserts n working keys (scope customers:read unless told, a limit no benchmark reaches) and
 * returns them. Only the bench holds the full keys, as a client would.
 */
export async function insertRealKeys(
  db: Db,
  organizationId: string,
  n: number,
  scopes: readonly string[] = ["customers:read"],
): Promise<BenchKey[]> {
  const keys = Array.from({ length: n }, () => generateApiKey("lk", "live"));
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = keys
      .slice(i, i + 1000)
      .map(
        (k, j) =>
          sql`(${organizationId}::uuid, ${`bench-${i + j}`}, 'live', ${k.prefix}, ${k.hash}, ${arrayLiteral(scopes)}::text[], 1000000000)`,
      );
    await db.execute(sql`
      insert into api_keys (organization_id, name, environment, prefix, hash, scopes, rate_limit_per_minute)
      values ${sql.join(rows, sql`, `)}`);
  }
  return keys.map(({ key, hash }) => ({ key, hash }));
}

/**
 * Gives a key a usage limit with that many credits left, the way an admin change does: a newer
 * usage_version, so no counter or lease of an older one keeps counting.
 */
export async function setUsageLimit(db: Db, organizationId: string, hash: string, limit: number) {
  await db.execute(sql`
    update api_keys set usage_limit = ${limit}, usage_remaining = ${limit},
      usage_version = usage_version + 1
    where organization_id = ${organizationId}::uuid and hash = ${hash}`);
}

/** Keys with a valid checksum that no organization has. */
export function unknownKeys(n: number): string[] {
  return Array.from({ length: n }, () => generateApiKey("lk", "live").key);
}

/** Well-formed keys whose checksum does not match. */
export function badChecksumKeys(keys: readonly BenchKey[]): string[] {
  return keys.map(
    ({ key }) => `${key.slice(0, -6)}${key.endsWith("000000") ? "111111" : "000000"}`,
  );
}

export async function seedKeyList(organizationId: string, n: number): Promise<void> {
  await seedKeys(organizationId, n);
}

/**
 * One usage row per minute over the last 90 days, over three endpoints, 5% errors, written
 * through the usage flush (per-minute and per-day rows) as the verifier writes it.
 */
export async function seedNinetyDaysOfUsage(db: Db, organizationId: string, keyId: string) {
  const thisMinute = Math.floor(Date.now() / 60_000) * 60_000;
  const endpoints = ["/api/v1/me", "/api/v1/customers", "/api/v1/keys/verify"];
  const buckets: UsageBucket[] = Array.from({ length: 90 * 1440 }, (_, i) => ({
    keyId,
    organizationId,
    minute: thisMinute - i * 60_000,
    method: "GET",
    endpoint: endpoints[i % 3] as string,
    statusClass: i % 20 === 0 ? 400 : 200,
    requests: 1 + (i % 7),
    totalMs: 5 * (1 + (i % 7)),
    scopes: ["customers:read"],
  }));
  for (let i = 0; i < buckets.length; i += 10_000) {
    await writeUsage(db, buckets.slice(i, i + 10_000), []);
  }
}
