/**
 * What a management-API key may do to other keys: grant only scopes it holds, change, enable,
 * roll only keys no stronger than itself, always disable or revoke; each decided on the locked
 * row, so a change committed meanwhile (an admin disabling the key, widening its scopes) is seen.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as roll } from "@/app/api/v1/api-keys/[id]/roll/route";
import * as keyRoute from "@/app/api/v1/api-keys/[id]/route";
import * as keysRoute from "@/app/api/v1/api-keys/route";
import { executeRows, getDb } from "@/db";
import type { CreateKeyInput } from "@/lib/keys/schemas";
import type { Actor } from "@/lib/keys/service/audit";
import { updateKeyPolicy } from "@/lib/keys/service/policy";
import { changeKeyStatus } from "@/lib/keys/service/status";
import { regenerateWebhookSecret } from "@/lib/keys/service/webhook-secret";
import type { Scope } from "@/lib/scopes";
import { createAppVerifyRuntime, setVerifyRuntime, type VerifyRuntime } from "@/lib/verify/runtime";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { whileLocked } from "@/tests/locks";

const database = withTestDatabase();

let runtime: VerifyRuntime;
let acme: Actor;
/** The attacker: may manage keys, but holds only customers:read besides. */
let writer: { id: string; key: string };

const WRITER: Scope[] = ["api_keys:write", "customers:read"];
const STRONG: Scope[] = ["customers:read", "customers:write"];

const newKey = (scopes: Scope[], patch: Partial<CreateKeyInput> = {}) =>
  createTestKey(acme, { name: "k", scopes, ...patch });

beforeAll(async () => {
  const a = await createOrg("Acme");
  acme = { organizationId: a.org.id, userId: a.owner.id, label: "owner" };
  runtime = createAppVerifyRuntime({ defaultRateLimitPerMinute: 100_000, flushMs: 60_000 });
  await runtime.start();
  setVerifyRuntime(runtime);
  writer = await newKey(WRITER, { name: "Writer" });
});

afterAll(async () => {
  await runtime.stop();
  setVerifyRuntime(undefined);
});

const patch = (id: string, body: unknown, key = writer.key) =>
  call(keyRoute.PATCH, {
    path: `/api/v1/api-keys/${id}`,
    method: "PATCH",
    key,
    body,
    params: { id },
  });
const revoke = (id: string, key = writer.key) =>
  call(keyRoute.DELETE, { path: `/api/v1/api-keys/${id}`, method: "DELETE", key, params: { id } });
const rollHttp = (id: string, body: unknown = {}, key = writer.key) =>
  call(roll, { path: `/api/v1/api-keys/${id}/roll`, method: "POST", key, body, params: { id } });
const create = (body: unknown, key = writer.key) =>
  call(keysRoute.POST, { path: "/api/v1/api-keys", method: "POST", key, body });

type Row = {
  status: string;
  scopes: string[];
  allowed_ips: string[];
  expires_at: string | null;
  rate_limit_per_minute: number | null;
  webhook_url: string | null;
  name: string;
};
async function row(id: string): Promise<Row> {
  const [r] = await executeRows<Row>(
    getDb(),
    sql`select status, scopes, allowed_ips, expires_at, rate_limit_per_minute, webhook_url, name
        from api_keys where id = ${id}`,
  );
  if (!r) throw new Error("no such key");
  return r;
}
const keyCount = async () =>
  (await executeRows<{ n: number }>(getDb(), sql`select count(*)::int as n from api_keys`))[0]?.n;

describe("a key manages only keys no stronger than itself", () => {
  it("cannot loosen a stronger key: allowlist, expiry, rate limit, webhook, name; nothing changes", async () => {
    const expiresAt = new Date(Date.now() + 10 * 86_400_000);
    const strong = await newKey(STRONG, {
      allowedIps: ["10.0.0.1"],
      expiresAt,
      rateLimitPerMinute: 10,
    });
    const before = await row(strong.id);
    for (const body of [
      { allowedIps: [] },
      { allowedIps: ["0.0.0.0/0"] },
      { expiresAt: null },
      { expiresAt: new Date(Date.now() + 300 * 86_400_000).toISOString() },
      { rateLimitPerMinute: 1_000_000 },
      { rateLimitPerMinute: null },
      { webhookUrl: "https://hooks.example.com/lk" },
      { name: "renamed" },
      { description: "mine now" },
      { scopes: ["customers:read"] },
      { status: "active" },
      { status: "disabled", name: "both" },
    ]) {
      const res = await patch(strong.id, body);
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.json.code).toBe("insufficient_scope");
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await row(strong.id)).toEqual(before);
    const rolled = await rollHttp(strong.id);
    expect(rolled.status).toBe(403);
    expect(rolled.json.code).toBe("insufficient_scope");
  });

  it("cannot replace a stronger key's webhook signing secret", async () => {
    const strong = await newKey(STRONG, { webhookUrl: "https://hooks.example.com/lk" });
    const asWriter: Actor = { ...acme, keyId: writer.id, label: "key Writer" };
    await expect(regenerateWebhookSecret(getDb(), asWriter, strong.id)).rejects.toMatchObject({
      code: "insufficient_scope",
    });
    const weak = await newKey(["customers:read"], { webhookUrl: "https://hooks.example.com/lk" });
    expect((await regenerateWebhookSecret(getDb(), asWriter, weak.id)).webhookSecret).toMatch(
      /^whsec_/,
    );
  });

  it("can still disable and revoke a stronger key (containment)", async () => {
    const strong = await newKey(STRONG);
    expect((await patch(strong.id, { status: "disabled" })).json.status).toBe("disabled");
    // Enabling it again would hand its scopes back out.
    expect((await patch(strong.id, { status: "active" })).status).toBe(403);
    expect((await row(strong.id)).status).toBe("disabled");
    expect((await revoke(strong.id)).json.status).toBe("revoked");
  });

  it("manages a key whose scopes it holds: every field, enable, roll", async () => {
    const weak = await newKey(["customers:read"], { allowedIps: ["10.0.0.1"] });
    const res = await patch(weak.id, {
      name: "Weak",
      allowedIps: [],
      rateLimitPerMinute: 500,
      expiresAt: null,
      status: "disabled",
    });
    expect(res.status).toBe(200);
    expect((await patch(weak.id, { status: "active" })).json.status).toBe("active");
    expect((await rollHttp(weak.id)).status).toBe(201);
    // …but cannot widen it past its own scopes.
    expect((await patch(weak.id, { scopes: ["customers:write"] })).status).toBe(403);
    expect((await create({ name: "x", scopes: ["customers:write"] })).status).toBe(403);
  });

  it("reads its own scopes in the transaction: scopes taken from it meanwhile count", async () => {
    const self = await newKey(["api_keys:write", "customers:read"], { name: "Shrinking" });
    const weak = await newKey(["customers:read"]);
    // Warm the verification cache with the key's old scopes, then narrow them in the database
    // without telling the cache (as if the notification were still on its way).
    expect((await patch(weak.id, { name: "warm" }, self.key)).status).toBe(200);
    await getDb().execute(
      sql`update api_keys set scopes = array['api_keys:write'] where id = ${self.id}`,
    );
    const res = await patch(weak.id, { name: "stale" }, self.key);
    expect(res.status).toBe(403);
    expect((await row(weak.id)).name).toBe("warm");
  });
});

describe("decided on the locked row", () => {
  it.skipIf(!process.env.DATABASE_URL)(
    "enabling a key an admin is disabling at that moment is refused; the key stays disabled",
    async () => {
      const strong = await newKey(STRONG);
      const res = await whileLocked(
        database.client(),
        `update api_keys set status = 'disabled', disabled_at = now() where id = '${strong.id}'`,
        () => patch(strong.id, { status: "active" }),
      );
      expect(res.status).toBe(403);
      expect(res.json.code).toBe("insufficient_scope");
      expect((await row(strong.id)).status).toBe("disabled");
    },
  );

  it.skipIf(!process.env.DATABASE_URL)(
    "loosening a key whose scopes an admin is widening at that moment is refused",
    async () => {
      const target = await newKey(["customers:read"], { allowedIps: ["10.0.0.1"] });
      const res = await whileLocked(
        database.client(),
        `update api_keys set scopes = array['customers:read', 'customers:write'] where id = '${target.id}'`,
        () => patch(target.id, { allowedIps: [] }),
      );
      expect(res.status).toBe(403);
      expect((await row(target.id)).allowed_ips).toEqual(["10.0.0.1"]);
    },
  );

  it.skipIf(!process.env.DATABASE_URL)(
    "rolling a key whose scopes an admin is widening at that moment is refused; no key is made",
    async () => {
      const target = await newKey(["customers:read"]);
      const count = await keyCount();
      const res = await whileLocked(
        database.client(),
        `update api_keys set scopes = array['customers:read', 'customers:write'] where id = '${target.id}'`,
        () => rollHttp(target.id),
      );
      expect(res.status).toBe(403);
      expect(res.json.code).toBe("insufficient_scope");
      expect(await keyCount()).toBe(count);
    },
  );

  it("40 rounds of enable against an admin's disable: never enabled", async () => {
    const admin: Actor = { ...acme, label: "admin" };
    for (let round = 0; round < 40; round++) {
      const strong = await newKey(STRONG, { name: `race ${round}` });
      const [res] = await Promise.all([
        patch(strong.id, { status: "active" }),
        changeKeyStatus(getDb(), admin, [strong.id], "disable"),
      ]);
      expect((await row(strong.id)).status, `round ${round}`).toBe("disabled");
      expect(res.status, `round ${round}`).toBe(403);
    }
  });
});

describe("a roll obeys the key policy", () => {
  it("refuses to roll a live key without allowed IPs while the policy requires them", async () => {
    const { org, owner } = await createOrg("Strict");
    const strict: Actor = { organizationId: org.id, userId: owner.id, label: "owner" };
    const admin = await createTestKey(strict, {
      name: "CI",
      scopes: ["api_keys:write", "customers:read"],
      environment: "test",
    });
    const old = await createTestKey(strict, {
      name: "Before the policy",
      scopes: ["customers:read"],
    });
    const everything = await createTestKey(strict, {
      name: "Everything",
      scopes: ["customers:read"],
      allowedIps: ["0.0.0.0/0"],
    });
    const sandbox = await createTestKey(strict, {
      name: "Sandbox",
      scopes: ["customers:read"],
      environment: "test",
    });
    await updateKeyPolicy(getDb(), strict, {
      maxLifetimeDays: null,
      requireAllowedIpsForLive: true,
      disableUnusedAfterDays: null,
      leakAction: "disable",
    });
    const count = await keyCount();
    for (const id of [old.id, everything.id]) {
      const res = await rollHttp(id, {}, admin.key);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.json.code).toBe("policy_violation");
      expect(res.json.errors).toEqual([
        { path: "allowedIps", message: expect.stringContaining("requires allowed IPs") },
      ]);
    }
    expect(await keyCount()).toBe(count);
    expect((await row(old.id)).expires_at).toBeNull();
    // Test keys are outside that rule; a live key that complies rolls.
    expect((await rollHttp(sandbox.id, {}, admin.key)).status).toBe(201);
    expect((await patch(old.id, { allowedIps: ["192.0.2.0/24"] }, admin.key)).status).toBe(200);
    const ok = await rollHttp(old.id, {}, admin.key);
    expect(ok.status).toBe(201);
    expect((ok.json.key as { allowedIps: string[] }).allowedIps).toEqual(["192.0.2.0/24"]);
  });

  it("a roll under a maximum lifetime gives the new key an expiry within it", async () => {
    const { org, owner } = await createOrg("Short-lived");
    const strict: Actor = { organizationId: org.id, userId: owner.id, label: "owner" };
    const admin = await createTestKey(strict, {
      name: "CI",
      scopes: ["api_keys:write", "customers:read"],
    });
    const old = await createTestKey(strict, { name: "Forever", scopes: ["customers:read"] });
    await updateKeyPolicy(getDb(), strict, {
      maxLifetimeDays: 30,
      requireAllowedIpsForLive: false,
      disableUnusedAfterDays: null,
      leakAction: "disable",
    });
    const res = await rollHttp(old.id, {}, admin.key);
    expect(res.status).toBe(201);
    const expires = Date.parse((res.json.key as { expiresAt: string }).expiresAt);
    expect(expires).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
  });
});

describe("an allowlist that allows everything is no allowlist", () => {
  it("is refused on create and edit while the policy requires allowed IPs, naming the field", async () => {
    const { org, owner } = await createOrg("Allowlisted");
    const strict: Actor = { organizationId: org.id, userId: owner.id, label: "owner" };
    const admin = await createTestKey(strict, {
      name: "CI",
      scopes: ["api_keys:write", "customers:read"],
      allowedIps: ["127.0.0.1"],
    });
    const key = await createTestKey(strict, {
      scopes: ["customers:read"],
      allowedIps: ["10.0.0.1"],
    });
    await updateKeyPolicy(getDb(), strict, {
      maxLifetimeDays: null,
      requireAllowedIpsForLive: true,
      disableUnusedAfterDays: null,
      leakAction: "disable",
    });
    const count = await keyCount();
    for (const allowedIps of [
      ["0.0.0.0/0"],
      ["::/0"],
      ["::ffff:0:0/96"],
      ["10.0.0.1", "0.0.0.0/1", "128.0.0.0/1"],
    ]) {
      for (const res of [
        await create({ name: "open", scopes: ["customers:read"], allowedIps }, admin.key),
        await patch(key.id, { allowedIps }, admin.key),
      ]) {
        expect(res.status, allowedIps.join(" ")).toBe(400);
        expect(res.json.code).toBe("policy_violation");
        expect(res.json.errors).toEqual([
          { path: "allowedIps", message: expect.stringContaining("allows every address") },
        ]);
      }
    }
    expect(await keyCount()).toBe(count);
    expect((await row(key.id)).allowed_ips).toEqual(["10.0.0.1"]);
    const fine = await create(
      { name: "closed", scopes: ["customers:read"], allowedIps: ["10.0.0.0/8"] },
      admin.key,
    );
    expect(fine.status).toBe(201);
  });
});
