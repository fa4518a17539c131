/**
 * Benchmarks, reported as ratios measured in one run (the machine is shared and noisy, so
 * absolute numbers mean little). Runs on an in-memory PGlite, or on DATABASE_URL when set.
 *   npm run bench
 */
import { eq, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { GET as health } from "@/app/api/v1/health/route";
import { GET as me } from "@/app/api/v1/me/route";
import { createPgliteClient, createPostgresClient, getDb, migrateDatabase, setClient } from "@/db";
import { listKeys } from "@/db/queries/api-keys";
import { apiKeys, memberships, organizations, users } from "@/db/schema";
import { hashApiKey } from "@/lib/keys/format";
import { createKey } from "@/lib/keys/service";
import { CLIENT_IP_HEADER } from "@/lib/net/client-ip";
import { createVerifyRuntime, setVerifyRuntime } from "@/lib/verify/runtime";
import { seedKeys } from "@/tests/factories";

async function rate(label: string, iterations: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < Math.min(200, iterations); i++) await fn();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  const seconds = (performance.now() - started) / 1000;
  const perSecond = iterations / seconds;
  console.info(`${label.padEnd(58)} ${perSecond.toFixed(0).padStart(9)} ops/s`);
  return perSecond;
}

async function main() {
  const client = process.env.DATABASE_URL
    ? createPostgresClient(process.env.DATABASE_URL)
    : createPgliteClient();
  await migrateDatabase(client);
  setClient(client);
  const db = getDb();
  const [org] = await db.insert(organizations).values({ name: "Bench" }).returning();
  const [user] = await db
    .insert(users)
    .values({ name: "B", email: `bench-${Date.now()}@x.test`, passwordHash: "x" })
    .returning();
  if (!org || !user) throw new Error("seed failed");
  await db.insert(memberships).values({ organizationId: org.id, userId: user.id, role: "owner" });
  const actor = { organizationId: org.id, userId: user.id, label: "bench" };
  const { key } = await createKey(
    db,
    actor,
    {
      name: "bench",
      description: null,
      scopes: ["customers:read"],
      environment: "live",
      expiresAt: null,
      allowedIps: [],
      rateLimitPerMinute: 1_000_000_000,
    },
    "lk",
  );

  const runtime = createVerifyRuntime({ defaultRateLimitPerMinute: 600, flushMs: 5000 });
  await runtime.start();
  setVerifyRuntime(runtime);
  const request = (headers: Record<string, string>) =>
    new NextRequest("http://localhost/api/v1/me", {
      headers: { [CLIENT_IP_HEADER]: "127.0.0.1", ...headers },
    });
  const params = { params: Promise.resolve({} as never) };
  const n = 5000;

  console.info(`Database: ${client.kind}\n`);
  const baseline = await rate("GET /api/v1/health (no key, baseline)", n, async () => health());
  const verified = await rate("GET /api/v1/me, verified key (cache hit)", n, () =>
    me(request({ "x-api-key": key }), params),
  );
  const garbage = await rate("GET /api/v1/me, bad checksum (rejected before any I/O)", n, () =>
    me(request({ "x-api-key": `${key.slice(0, -6)}000000` }), params),
  );
  // What a verifier without a cache or usage buffer does: a lookup and a write per request.
  const hash = hashApiKey(key);
  const naive = await rate(
    "naive: SELECT by hash + UPDATE last_used_at per request",
    1000,
    async () => {
      await db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).limit(1);
      await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.hash, hash));
    },
  );
  await runtime.stop();

  await seedKeys(org.id, 10_000);
  const [small] = await db.insert(organizations).values({ name: "Small" }).returning();
  if (!small) throw new Error("seed failed");
  await seedKeys(small.id, 20);
  const bigList = await rate("list keys, page 1 of an org with 10,000 keys", 300, () =>
    listKeys(db, org.id, { sort: "created" }),
  );
  const smallList = await rate("list keys, page 1 of an org with 20 keys", 300, () =>
    listKeys(db, small.id, { sort: "created" }),
  );

  console.info("\nRatios (same run):");
  console.info(`  verified key / health baseline     ${(verified / baseline).toFixed(2)}`);
  console.info(`  verified key / naive verification  ${(verified / naive).toFixed(1)}x`);
  console.info(`  bad checksum / verified key        ${(garbage / verified).toFixed(2)}`);
  console.info(`  list 10,000-key org / 20-key org   ${(bigList / smallList).toFixed(2)}`);
  await client.close();
  process.exit(0);
}

void main();
