import { asc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { executeRows, getDb } from "@/db";
import { apiKeys, auditLogs } from "@/db/schema";
import { bulkDisableApiKeys } from "@/lib/actions/bulk-disable-api-keys";
import { bulkRevokeApiKeys } from "@/lib/actions/bulk-revoke-api-keys";
import { createApiKey } from "@/lib/actions/create-api-key";
import { disableApiKey } from "@/lib/actions/disable-api-key";
import { enableApiKey } from "@/lib/actions/enable-api-key";
import { revokeApiKey } from "@/lib/actions/revoke-api-key";
import { updateApiKey } from "@/lib/actions/update-api-key";
import { parseApiKey } from "@/lib/keys/format";
import { withTestDatabase } from "@/tests/db";
import { createOrg } from "@/tests/factories";
import { actAs } from "@/tests/request-context";

withTestDatabase();

function form(values: Record<string, string | string[]>) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(values)) {
    for (const item of Array.isArray(v) ? v : [v]) fd.append(k, item);
  }
  return fd;
}

async function create(values: Record<string, string | string[]> = {}) {
  const result = await createApiKey(
    form({ name: "Production", scopes: ["customers:read"], ...values }),
  );
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.data;
}

const snapshotKeys = () =>
  getDb()
    .select({ id: apiKeys.id, status: apiKeys.status, name: apiKeys.name })
    .from(apiKeys)
    .orderBy(asc(apiKeys.id));
const auditCount = async () => (await getDb().select().from(auditLogs)).length;

describe("API key server actions", () => {
  let acme: Awaited<ReturnType<typeof createOrg>>;
  let rival: Awaited<ReturnType<typeof createOrg>>;
  beforeAll(async () => {
    acme = await createOrg("Acme", ["admin", "member"]);
    rival = await createOrg("Rival");
  });

  it("creates a key, returns it once and stores only its hash and prefix", async () => {
    actAs(acme.admin?.id as string);
    const created = await create({
      name: "  Billing sync ",
      description: "Nightly job",
      scopes: ["customers:read", "customers:write"],
      environment: "test",
      expiration: "30",
      allowedIps: "203.0.113.0/24\n2001:db8::1, ::ffff:10.0.0.0/104",
      rateLimitPerMinute: "120",
    });
    expect(parseApiKey(created.key)).toMatchObject({ prefix: "lk", environment: "test" });
    expect(created.prefix).toBe(created.key.slice(0, 12));

    const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row).toMatchObject({
      name: "Billing sync",
      description: "Nightly job",
      environment: "test",
      organizationId: acme.org.id,
      createdBy: acme.admin?.id,
      scopes: ["customers:read", "customers:write"],
      allowedIps: ["203.0.113.0/24", "2001:db8::1", "10.0.0.0/8"],
      rateLimitPerMinute: 120,
      status: "active",
      lastUsedAt: null,
    });
    const days = ((row?.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    // The full key appears in no column of any table.
    const tables = await executeRows<{ table_name: string }>(
      getDb(),
      sql`select table_name from information_schema.tables where table_schema = 'public'`,
    );
    expect(tables.length).toBeGreaterThan(5);
    for (const { table_name } of tables) {
      const hits = await executeRows(
        getDb(),
        sql`select 1 from ${sql.identifier(table_name)} t where t::text like ${`%${created.key.slice(12)}%`}`,
      );
      expect(hits, table_name).toHaveLength(0);
    }

    const [event] = await getDb().select().from(auditLogs).where(eq(auditLogs.keyId, created.id));
    expect(event).toMatchObject({ action: "key.created", actorUserId: acme.admin?.id });
    expect(JSON.stringify(event)).not.toContain(created.key.slice(12));
  });

  it.each([
    ["an empty name", { name: "" }, "name"],
    ["a 65-character name", { name: "n".repeat(65) }, "name"],
    ["no scope", { scopes: [] as string[] }, "scopes"],
    ["an unknown scope", { scopes: ["admin:all"] }, "scopes"],
    ["an invalid CIDR", { allowedIps: "10.0.0.0/33" }, "allowedIps"],
    ["a non-numeric rate limit", { rateLimitPerMinute: "fast" }, "rateLimitPerMinute"],
    ["a zero rate limit", { rateLimitPerMinute: "0" }, "rateLimitPerMinute"],
    ["a custom expiry in the past", { expiration: "custom", expiresOn: "2001-01-01" }, "expiresAt"],
    ["a custom expiry without a date", { expiration: "custom" }, "expiresOn"],
    ["an unknown environment", { environment: "prod" }, "environment"],
  ])("refuses %s with a field error and writes nothing", async (_l, patch, field) => {
    actAs(acme.owner.id);
    const before = await snapshotKeys();
    const result = await createApiKey(
      form({ name: "K", scopes: ["customers:read"], ...(patch as Record<string, string>) }),
    );
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.fieldErrors?.[field]?.length, field).toBeGreaterThan(0);
    expect(await snapshotKeys()).toEqual(before);
  });

  it("disables, enables and revokes, refusing invalid transitions", async () => {
    actAs(acme.owner.id);
    const { id } = await create({ name: "Lifecycle" });
    expect(await disableApiKey({ id })).toMatchObject({ ok: true });
    expect(await disableApiKey({ id })).toMatchObject({ ok: false, code: "conflict" });
    expect(await enableApiKey({ id })).toMatchObject({ ok: true });
    expect(await revokeApiKey({ id })).toMatchObject({ ok: true });
    expect(await revokeApiKey({ id })).toMatchObject({
      ok: false,
      error: "This key is already revoked.",
    });
    expect(await enableApiKey({ id })).toMatchObject({
      ok: false,
      error: "A revoked key cannot be enabled.",
    });
    expect(
      await updateApiKey(null, form({ id, name: "Renamed", scopes: "customers:read" })),
    ).toMatchObject({ ok: false });
    const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row).toMatchObject({ status: "revoked", revokedBy: acme.owner.id, name: "Lifecycle" });
    const events = await getDb()
      .select({ action: auditLogs.action })
      .from(auditLogs)
      .where(eq(auditLogs.keyId, id))
      .orderBy(asc(auditLogs.seq));
    expect(events.map((e) => e.action)).toEqual([
      "key.created",
      "key.disabled",
      "key.enabled",
      "key.revoked",
    ]);
  });

  it("bulk-disables and bulk-revokes, skipping keys that cannot change", async () => {
    actAs(acme.owner.id);
    const a = await create({ name: "Bulk A" });
    const b = await create({ name: "Bulk B" });
    const c = await create({ name: "Bulk C" });
    await revokeApiKey({ id: c.id });
    const disabled = await bulkDisableApiKeys({ ids: [a.id, b.id, c.id] });
    expect(disabled).toMatchObject({
      ok: true,
      message: expect.stringContaining("Disabled 2 keys"),
    });
    const revoked = await bulkRevokeApiKeys({ ids: [a.id, b.id] });
    expect(revoked).toMatchObject({ ok: true, message: "Revoked 2 keys." });
  });

  it("refuses members and signed-out callers for every action, changing nothing", async () => {
    actAs(acme.owner.id);
    const { id } = await create({ name: "Guarded" });
    const before = await snapshotKeys();
    const audits = await auditCount();
    for (const user of [acme.member?.id as string, null]) {
      actAs(user);
      const results = await Promise.all([
        createApiKey(form({ name: "Nope", scopes: ["customers:read"] })),
        disableApiKey({ id }),
        enableApiKey({ id }),
        revokeApiKey({ id }),
        updateApiKey(null, form({ id, name: "Hijacked", scopes: "customers:read" })),
        bulkDisableApiKeys({ ids: [id] }),
        bulkRevokeApiKeys({ ids: [id] }),
      ]);
      for (const r of results) {
        expect(r).toMatchObject({ ok: false, code: user ? "forbidden" : "unauthenticated" });
      }
    }
    expect(await snapshotKeys()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it("cannot touch another organization's keys, even mixed with its own", async () => {
    actAs(rival.owner.id);
    const theirs = await create({ name: "Rival key" });
    actAs(acme.owner.id);
    const mine = await create({ name: "Mine" });
    const before = await snapshotKeys();
    const audits = await auditCount();
    const results = await Promise.all([
      disableApiKey({ id: theirs.id }),
      enableApiKey({ id: theirs.id }),
      revokeApiKey({ id: theirs.id }),
      updateApiKey(null, form({ id: theirs.id, name: "Pwned", scopes: "customers:read" })),
      bulkDisableApiKeys({ ids: [mine.id, theirs.id] }),
      bulkRevokeApiKeys({ ids: [mine.id, theirs.id] }),
      disableApiKey({ id: "00000000-0000-4000-8000-000000000000" }),
      disableApiKey({ id: "not-a-uuid" }),
    ]);
    for (const r of results) expect(r.ok).toBe(false);
    expect(results[0]).toMatchObject({ code: "not_found", error: "This key does not exist." });
    expect(results[7]).toMatchObject({ code: "invalid_input" });
    expect(await snapshotKeys()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });
});
