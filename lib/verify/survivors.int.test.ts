import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { UsageBuffer } from "@latchkey/verify/usage";
import { writeUsage } from "@latchkey/verify/usage-sql";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/v1/me/route";
import { type Db, getDb } from "@/db";
import { apiKeys, apiKeyUsage, auditLogs } from "@/db/schema";
import { sqlOf } from "@/db/sql";
import type { CreateKeyInput } from "@/lib/keys/schemas";
import type { Actor } from "@/lib/keys/service/audit";
import { changeKeyStatus } from "@/lib/keys/service/status";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { withVerifyRuntime } from "@/tests/runtime";

// Bugs a mutation run planted that no test noticed, each killed here against a real database.

withTestDatabase();
withVerifyRuntime();

let actor: Actor;

const newKey = (patch: Partial<CreateKeyInput> = {}) =>
  createTestKey(actor, { name: "Survivor", ...patch });

beforeAll(async () => {
  const acme = await createOrg("Acme");
  actor = { organizationId: acme.org.id, userId: acme.owner.id, label: "owner" };
});

describe("the key store", () => {
  it("refuses every IP when a stored allowlist entry no longer parses (fails closed)", async () => {
    const { key, id } = await newKey({ allowedIps: ["10.0.0.0/8"] });
    // Written behind the service's back, as a bad migration or manual edit would.
    await getDb().execute(
      sql`update api_keys set allowed_ips = array['not-an-ip'] where id = ${id}`,
    );
    for (const ip of ["10.1.2.3", "127.0.0.1", "::1"]) {
      expect((await call(me, { key, ip })).json.code, ip).toBe("ip_not_allowed");
    }
  });

  it("keeps the entries that parse and refuses addresses outside them", async () => {
    const { key, id } = await newKey({ allowedIps: ["10.0.0.0/8"] });
    await getDb().execute(
      sql`update api_keys set allowed_ips = array['10.0.0.0/8', '300.1.1.1/99'] where id = ${id}`,
    );
    expect((await call(me, { key, ip: "10.9.8.7" })).status).toBe(200);
    expect((await call(me, { key, ip: "192.0.2.1" })).json.code).toBe("ip_not_allowed");
  });
});

describe("status changes", () => {
  it("write their audit row in the same transaction: a failed audit write undoes the change", async () => {
    const { id } = await newKey();
    // No such user: the audit row's foreign key fails, inside the transaction or after it.
    const ghost: Actor = { ...actor, userId: randomUUID() };
    await expect(changeKeyStatus(getDb(), ghost, [id], "disable")).rejects.toThrow();
    const [row] = await getDb()
      .select({ status: apiKeys.status })
      .from(apiKeys)
      .where(eq(apiKeys.id, id));
    expect(row?.status).toBe("active");
    const audits = await getDb().select().from(auditLogs).where(eq(auditLogs.keyId, id));
    expect(audits.map((a) => a.action)).toEqual(["key.created"]);

    await changeKeyStatus(getDb(), actor, [id], "disable");
    const after = await getDb().select().from(auditLogs).where(eq(auditLogs.keyId, id));
    expect(after.map((a) => a.action).sort()).toEqual(["key.created", "key.disabled"]);
  });
});

async function brokenDb(): Promise<{ db: Db; close: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const missing = new URL(url);
    missing.pathname = `/lk_missing_${randomUUID().slice(0, 8)}`;
    const client = postgres(missing.toString(), { max: 1, onnotice: () => {} });
    return { db: drizzlePostgres(client) as unknown as Db, close: () => client.end() };
  }
  const empty = new PGlite();
  return { db: drizzle(empty) as unknown as Db, close: () => empty.close() };
}

describe("usage", () => {
  it("keeps the counts of a flush that really fails, and writes them with the next one", async () => {
    const { id } = await newKey();
    // A database that cannot take the write — PostgreSQL: one that does not exist; PGlite: one
    // without our tables — so the batched insert fails in the driver, as in an outage.
    const broken = await brokenDb();
    let db: Db = broken.db;
    const errors: unknown[] = [];
    const buffer = new UsageBuffer({
      write: (batch) => writeUsage(sqlOf(db), batch),
      flushMs: 600_000,
      onError: (e) => errors.push(e),
    });
    const event = (at: number) => ({
      keyId: id,
      organizationId: actor.organizationId,
      method: "GET",
      endpoint: "/api/v1/me",
      status: 200,
      durationMs: 3,
      at,
      verified: true,
    });
    const now = Date.now();
    for (let i = 0; i < 3; i++) buffer.record(event(now));
    await buffer.flush();
    expect(errors).toHaveLength(1);
    expect(buffer.pending).toBe(1);
    buffer.record(event(now));
    buffer.record(event(now));

    db = getDb();
    await buffer.flush();
    expect(errors).toHaveLength(1);
    expect(buffer.pending).toBe(0);
    const rows = await getDb().select().from(apiKeyUsage).where(eq(apiKeyUsage.keyId, id));
    expect(rows.map((r) => r.requests)).toEqual([5]);
    const [key] = await getDb()
      .select({ at: apiKeys.lastUsedAt })
      .from(apiKeys)
      .where(eq(apiKeys.id, id));
    expect(Math.abs((key?.at?.getTime() ?? 0) - now)).toBeLessThan(1000);
    await broken.close();
  }, 90_000);
});
