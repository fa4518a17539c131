import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as roll } from "@/app/api/v1/api-keys/[id]/roll/route";
import * as keyRoute from "@/app/api/v1/api-keys/[id]/route";
import { GET as stats } from "@/app/api/v1/api-keys/[id]/stats/route";
import * as keysRoute from "@/app/api/v1/api-keys/route";
import { GET as auditLog } from "@/app/api/v1/audit-log/route";
import { GET as me } from "@/app/api/v1/me/route";
import { executeRows, getDb } from "@/db";
import { writeUsage } from "@/db/queries/usage";
import { keyStats } from "@/db/queries/usage-stats";
import type { CreateKeyInput } from "@/lib/keys/schemas";
import type { Actor } from "@/lib/keys/service/audit";
import { rollKey } from "@/lib/keys/service/roll";
import type { Scope } from "@/lib/scopes";
import { createAppVerifyRuntime, setVerifyRuntime, type VerifyRuntime } from "@/lib/verify/runtime";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey, seedKeys } from "@/tests/factories";

withTestDatabase();

let runtime: VerifyRuntime;
let acme: Actor;
let rival: Actor;
let admin: { id: string; key: string; prefix: string };
let reader: { id: string; key: string };
let rivalAdmin: { id: string; key: string };

const newKey = (by: Actor, scopes: Scope[], patch: Partial<CreateKeyInput> = {}) =>
  createTestKey(by, { name: "k", scopes, ...patch });

const ADMIN: Scope[] = ["api_keys:read", "api_keys:write", "customers:read"];

beforeAll(async () => {
  const a = await createOrg("Acme");
  const r = await createOrg("Rival");
  acme = { organizationId: a.org.id, userId: a.owner.id, label: "owner" };
  rival = { organizationId: r.org.id, userId: r.owner.id, label: "rival owner" };
  runtime = createAppVerifyRuntime({ defaultRateLimitPerMinute: 100_000, flushMs: 60_000 });
  await runtime.start();
  setVerifyRuntime(runtime);
  admin = await newKey(acme, ADMIN, { name: "CI admin" });
  reader = await newKey(acme, ["api_keys:read"], { name: "Reader" });
  rivalAdmin = await newKey(rival, ADMIN, { name: "Rival admin" });
});

afterAll(async () => {
  await runtime.stop();
  setVerifyRuntime(undefined);
});

const list = (query = "", key = admin.key) =>
  call(keysRoute.GET, { path: `/api/v1/api-keys${query}`, key });
const create = (body: unknown, key = admin.key) =>
  call(keysRoute.POST, { path: "/api/v1/api-keys", method: "POST", key, body });
const get = (id: string, key = admin.key) =>
  call(keyRoute.GET, { path: `/api/v1/api-keys/${id}`, key, params: { id } });
const patch = (id: string, body: unknown, key = admin.key) =>
  call(keyRoute.PATCH, {
    path: `/api/v1/api-keys/${id}`,
    method: "PATCH",
    key,
    body,
    params: { id },
  });
const revoke = (id: string, key = admin.key) =>
  call(keyRoute.DELETE, {
    path: `/api/v1/api-keys/${id}`,
    method: "DELETE",
    key,
    params: { id },
  });

function expectValidation(res: Awaited<ReturnType<typeof call>>) {
  expect(res.status).toBe(400);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.json.code).toBe("validation_failed");
  expect(Array.isArray(res.json.errors) && res.json.errors.length).toBeTruthy();
}

/** Everything a cross-tenant request could change, as one comparable value. */
async function snapshot() {
  return executeRows(
    getDb(),
    sql`select (select coalesce(json_agg(k order by k.id), '[]') from api_keys k) as keys,
               (select count(*)::int from audit_logs) as audits`,
  );
}

describe("GET /api/v1/api-keys", () => {
  it("needs a key with api_keys:read", async () => {
    expect((await call(keysRoute.GET, { path: "/api/v1/api-keys" })).status).toBe(401);
    const { key } = await newKey(acme, ["customers:read"]);
    const res = await list("", key);
    expect(res.status).toBe(403);
    expect(res.json.code).toBe("insufficient_scope");
    expect((await list("", reader.key)).status).toBe(200);
  });

  it("lists the org's keys without secrets and filters them", async () => {
    const soon = await newKey(acme, ["customers:read"], {
      name: "Soon gone",
      environment: "test",
      expiresAt: new Date(Date.now() + 3 * 86_400_000),
    });
    const res = await list();
    expect(res.status).toBe(200);
    const data = res.json.data as Record<string, unknown>[];
    expect(data.map((k) => k.id)).toContain(admin.id);
    expect(data.map((k) => k.id)).not.toContain(rivalAdmin.id);
    expect(JSON.stringify(res.json)).not.toMatch(/hash|lk_live_[0-9A-Za-z]{38}/);
    expect(data.find((k) => k.id === admin.id)).toMatchObject({
      name: "CI admin",
      start: admin.prefix,
      status: "active",
    });
    const ids = async (q: string) =>
      ((await list(q)).json.data as { id: string }[]).map((k) => k.id);
    expect(await ids("?expiringWithin=7d")).toEqual([soon.id]);
    expect(await ids("?expiringWithin=2d")).toEqual([]);
    expect(await ids("?environment=test")).toEqual([soon.id]);
    expect(await ids("?q=soon%20G")).toEqual([soon.id]);
    expect(await ids("?q=%25")).toEqual([]);
    expect(await ids("?status=revoked")).toEqual([]);
  });

  it.each([
    "?limit=0",
    "?limit=101",
    "?limit=ten",
    "?status=gone",
    "?environment=prod",
    "?expiringWithin=7w",
    "?cursor=not-a-cursor",
    "?sort=name",
    "?status=active&status=disabled",
  ])("refuses %s with validation_failed", async (query) => {
    expectValidation(await list(query));
  });

  it("pages stay stable while keys are added between pages", async () => {
    const { org, owner } = await createOrg("Paged");
    const actor = { organizationId: org.id, userId: owner.id, label: "o" };
    await seedKeys(org.id, 23);
    const { key } = await newKey(actor, ["api_keys:read"], { name: "pager" });
    const before = new Set<string>();
    const seen: string[] = [];
    let cursor: string | null = "";
    let page = 0;
    while (cursor !== null) {
      const res = await list(`?limit=5${cursor ? `&cursor=${cursor}` : ""}`, key);
      expect(res.status).toBe(200);
      for (const k of res.json.data as { id: string }[]) seen.push(k.id);
      cursor = res.json.nextCursor as string | null;
      // Two more keys arrive after each of the first pages.
      if (page++ < 3) {
        for (const n of [1, 2])
          before.add((await newKey(actor, ["customers:read"], { name: `late ${page}.${n}` })).id);
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(24);
    for (const id of before) expect(seen).not.toContain(id);
  });
});

describe("POST /api/v1/api-keys", () => {
  it("creates a key, returns it once, and audits the acting key", async () => {
    const res = await create({
      name: "Deploy bot",
      scopes: ["customers:read"],
      rateLimitPerMinute: 60,
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      name: "Deploy bot",
      scopes: ["customers:read"],
      status: "active",
    });
    const key = res.json.key as string;
    expect(key).toMatch(/^lk_live_[0-9A-Za-z]{38}$/);
    expect((await call(me, { key })).status).toBe(200);
    const again = await get(res.json.id as string);
    expect(again.json.key).toBeUndefined();
    const [row] = await executeRows<{
      actor_label: string;
      actor_key_id: string;
      actor_user_id: string | null;
    }>(
      getDb(),
      sql`select actor_label, actor_key_id, actor_user_id from audit_logs where key_id = ${res.json.id} and action = 'key.created'`,
    );
    expect(row).toEqual({
      actor_label: `key ${admin.prefix}… (CI admin)`,
      actor_key_id: admin.id,
      actor_user_id: null,
    });
  });

  it("never grants more scopes than the acting key holds", async () => {
    const before = await snapshot();
    const res = await create({ name: "Escalate", scopes: ["customers:read", "keys:verify"] });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe("insufficient_scope");
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    [{ scopes: ["customers:read"] }],
    [{ name: "x", scopes: [] }],
    [{ name: "x", scopes: ["root"] }],
    [{ name: "x", scopes: ["customers:read"], owner: "me" }],
    [{ name: "x", scopes: ["customers:read"], expiresAt: "2001-01-01T00:00:00Z" }],
    [{ name: "x", scopes: ["customers:read"], expiresAt: "tomorrow" }],
    [{ name: "x", scopes: ["customers:read"], allowedIps: ["10.0.0.0/33"] }],
    [{ name: "x", scopes: ["customers:read"], rateLimitPerMinute: 0 }],
    [[]],
  ])("refuses %j with validation_failed", async (body) => {
    const before = await snapshot();
    expectValidation(await create(body));
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a body that is not JSON", async () => {
    const res = await create("{nope");
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("invalid_body");
  });

  it("needs api_keys:write", async () => {
    expect((await create({ name: "x", scopes: ["api_keys:read"] }, reader.key)).status).toBe(403);
  });
});

describe("one key: GET, PATCH, DELETE", () => {
  it("reads a key; another org's id or a non-id is not found", async () => {
    expect((await get(reader.id)).json).toMatchObject({ id: reader.id, name: "Reader" });
    for (const id of [rivalAdmin.id, "nope", "00000000-0000-4000-8000-000000000000"]) {
      const res = await get(id);
      expect(res.status).toBe(404);
      expect(res.json.code).toBe("not_found");
    }
  });

  it("another org's key: every route is 404 and nothing changes", async () => {
    const before = await snapshot();
    const id = rivalAdmin.id;
    for (const res of [
      await get(id),
      await patch(id, { name: "pwned" }),
      await patch(id, { status: "disabled" }),
      await revoke(id),
      await call(roll, {
        path: `/api/v1/api-keys/${id}/roll`,
        method: "POST",
        key: admin.key,
        body: {},
        params: { id },
      }),
      await call(stats, { path: `/api/v1/api-keys/${id}/stats`, key: admin.key, params: { id } }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.json.code).toBe("not_found");
    }
    expect(await snapshot()).toEqual(before);
    expect((await call(me, { key: rivalAdmin.key })).status).toBe(200);
  });

  it("PATCH changes every setting, audited, effective on the next call", async () => {
    const target = await newKey(acme, ["customers:read"], { name: "Target" });
    const expiresAt = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const res = await patch(target.id, {
      name: "Renamed",
      description: "for CI",
      scopes: ["customers:read", "api_keys:read"],
      rateLimitPerMinute: 42,
      allowedIps: ["127.0.0.1", "10.0.0.0/8"],
      expiresAt,
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      name: "Renamed",
      description: "for CI",
      scopes: ["api_keys:read", "customers:read"],
      rateLimitPerMinute: 42,
      allowedIps: ["127.0.0.1", "10.0.0.0/8"],
      expiresAt,
    });
    await expect
      .poll(async () => (await call(me, { key: target.key })).headers.get("ratelimit-limit"))
      .toBe("42");

    expect((await patch(target.id, { status: "disabled" })).json.status).toBe("disabled");
    await expect
      .poll(async () => (await call(me, { key: target.key })).json.code)
      .toBe("key_disabled");
    expect((await patch(target.id, { status: "active" })).json.status).toBe("active");
    await expect.poll(async () => (await call(me, { key: target.key })).status).toBe(200);

    const actions = await executeRows<{ action: string; actor_key_id: string }>(
      getDb(),
      sql`select action, actor_key_id from audit_logs where key_id = ${target.id} order by seq`,
    );
    expect(actions.map((a) => a.action)).toEqual([
      "key.created",
      "key.updated",
      "key.disabled",
      "key.enabled",
    ]);
    expect(actions.slice(1).every((a) => a.actor_key_id === admin.id)).toBe(true);
  });

  it("PATCH refuses escalation, unknown fields, bad values and revoked keys", async () => {
    const target = await newKey(acme, ["customers:read"]);
    const before = await snapshot();
    const esc = await patch(target.id, { scopes: ["keys:verify"] });
    expect(esc.status).toBe(403);
    expect(esc.json.code).toBe("insufficient_scope");
    for (const body of [
      { status: "revoked" },
      { nme: "typo" },
      { rateLimitPerMinute: "fast" },
      { name: "" },
    ]) {
      expectValidation(await patch(target.id, body));
    }
    expect(await snapshot()).toEqual(before);
    // Enabling a disabled key re-grants its scopes: only a key holding them may.
    const strong = await newKey(acme, ["customers:write"]);
    await patch(strong.id, { status: "disabled" });
    expect((await patch(strong.id, { status: "active" })).status).toBe(403);
    await revoke(target.id);
    const res = await patch(target.id, { name: "zombie" });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe("conflict");
  });

  it("DELETE revokes, idempotently; a key may revoke itself and the audit says so", async () => {
    const target = await newKey(acme, ["customers:read"]);
    const first = await revoke(target.id);
    expect(first.status).toBe(200);
    expect(first.json.status).toBe("revoked");
    expect((await revoke(target.id)).json.status).toBe("revoked");
    await expect
      .poll(async () => (await call(me, { key: target.key })).json.code)
      .toBe("key_revoked");

    const self = await newKey(acme, ["api_keys:write"], { name: "Self" });
    const res = await revoke(self.id, self.key);
    expect(res.status).toBe(200);
    const rows = await executeRows<{ action: string; actor_key_id: string; metadata: unknown }>(
      getDb(),
      sql`select action, actor_key_id, metadata from audit_logs where key_id = ${self.id} and action = 'key.revoked'`,
    );
    expect(rows).toEqual([
      { action: "key.revoked", actor_key_id: self.id, metadata: { self: true } },
    ]);
    await expect.poll(async () => (await revoke(self.id, self.key)).json.code).toBe("key_revoked");
  });
});

describe("roll", () => {
  const rollHttp = (id: string, body: unknown, key = admin.key) =>
    call(roll, { path: `/api/v1/api-keys/${id}/roll`, method: "POST", key, body, params: { id } });

  it.each([
    ["now", 0],
    ["1h", 3_600_000],
    ["24h", 86_400_000],
    ["7d", 7 * 86_400_000],
  ] as const)(
    "grace %s: the old key expires at now + grace, the new one copies it",
    async (grace, ms) => {
      const now = new Date("2030-01-01T00:00:00Z");
      const old = await newKey(acme, ["api_keys:read", "customers:read"], {
        name: `Roll ${grace}`,
        description: "d",
        allowedIps: ["127.0.0.1"],
        rateLimitPerMinute: 77,
      });
      const rolled = await rollKey(getDb(), acme, old.id, grace, "lk", now);
      expect(rolled.oldKeyExpiresAt.getTime()).toBe(now.getTime() + ms);
      const [o, n] = await Promise.all([get(old.id), get(rolled.id)]);
      expect(o.json.expiresAt).toBe(new Date(now.getTime() + ms).toISOString());
      expect(n.json).toMatchObject({
        name: `Roll ${grace}`,
        description: "d",
        scopes: ["api_keys:read", "customers:read"],
        allowedIps: ["127.0.0.1"],
        rateLimitPerMinute: 77,
        expiresAt: null,
        rolledFromId: old.id,
      });
      const audits = await executeRows<{
        key_id: string;
        action: string;
        metadata: Record<string, string>;
      }>(
        getDb(),
        sql`select key_id, action, metadata from audit_logs where key_id in (${old.id}, ${rolled.id}) and action in ('key.rolled', 'key.created') and metadata is not null`,
      );
      expect(audits).toEqual(
        expect.arrayContaining([
          {
            key_id: old.id,
            action: "key.rolled",
            metadata: expect.objectContaining({ rolledToId: rolled.id, gracePeriod: grace }),
          },
          {
            key_id: rolled.id,
            action: "key.created",
            metadata: expect.objectContaining({ rolledFromId: old.id }),
          },
        ]),
      );
    },
  );

  it("over HTTP: default 24 h, both keys work, the old one stops after; a rolled key rolls again", async () => {
    const old = await newKey(acme, ["customers:read"], { name: "Rolled over HTTP" });
    expect((await call(me, { key: old.key })).status).toBe(200);
    const t0 = Date.now();
    const res = await call(roll, {
      path: `/api/v1/api-keys/${old.id}/roll`,
      method: "POST",
      key: admin.key,
      params: { id: old.id },
    });
    expect(res.status).toBe(201);
    const created = res.json.key as { id: string; key: string };
    const previous = res.json.previous as { expiresAt: string };
    expect(Date.parse(previous.expiresAt) - t0).toBeGreaterThanOrEqual(86_400_000 - 1000);
    expect(Date.parse(previous.expiresAt) - t0).toBeLessThanOrEqual(86_400_000 + 5000);
    await expect.poll(async () => (await call(me, { key: old.key })).status).toBe(200);
    expect((await call(me, { key: created.key })).status).toBe(200);

    const again = await rollHttp(created.id, { gracePeriod: "now" });
    expect(again.status).toBe(201);
    await expect
      .poll(async () => (await call(me, { key: created.key })).json.code)
      .toBe("key_expired");
    expect((await call(me, { key: (again.json.key as { key: string }).key })).status).toBe(200);
    // The expired key cannot be rolled once more.
    expect((await rollHttp(created.id, {})).status).toBe(409);
  });

  it("refuses bad grace periods, unknown fields and rolling a key with more scopes", async () => {
    const old = await newKey(acme, ["customers:read"]);
    expectValidation(await rollHttp(old.id, { gracePeriod: "2h" }));
    expectValidation(await rollHttp(old.id, { gracePeriod: "1h", keep: true }));
    const strong = await newKey(acme, ["keys:verify"]);
    expect((await rollHttp(strong.id, {})).json.code).toBe("insufficient_scope");
    expect((await rollHttp(old.id, {}, reader.key)).status).toBe(403);
  });
});

describe("stats", () => {
  it("answers the period's figures and refuses unknown periods", async () => {
    const path = (q: string) => `/api/v1/api-keys/${reader.id}/stats${q}`;
    const res = await call(stats, {
      path: path("?period=7d"),
      key: admin.key,
      params: { id: reader.id },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ period: "7d", totalRequests: expect.any(Number) });
    expect(res.json.daily).toHaveLength(8);
    expectValidation(
      await call(stats, { path: path("?period=2d"), key: admin.key, params: { id: reader.id } }),
    );
  });

  it("is exact at each period's boundary", async () => {
    const { id } = await newKey(acme, ["customers:read"], { name: "Traffic" });
    const now = new Date("2026-06-15T12:00:30Z");
    const minute = (ms: number) => {
      const t = now.getTime() - ms;
      return new Date(t - (t % 60_000));
    };
    const periods = {
      "1h": 3_600_000,
      "24h": 86_400_000,
      "7d": 7 * 86_400_000,
      "30d": 30 * 86_400_000,
      "90d": 90 * 86_400_000,
    };
    // For each period: one bucket just inside it (successes), one just outside (errors).
    const rows = Object.values(periods).flatMap((ms, i) => [
      {
        at: new Date(now.getTime() - ms + 30_000),
        status: 200,
        requests: 10 ** i,
        duration: 10 ** i * 4,
      },
      { at: minute(ms + 60_000), status: 500, requests: 7, duration: 7 },
    ]);
    await writeUsage(
      getDb(),
      rows.map((r) => ({
        keyId: id,
        organizationId: acme.organizationId,
        minute: r.at.getTime(),
        method: "GET",
        endpoint: "/api/v1/me",
        statusClass: r.status,
        requests: r.requests,
        totalMs: r.duration,
        scopes: [],
      })),
      [],
    );
    let inside = 0;
    let errors = 0;
    for (const [i, period] of (Object.keys(periods) as (keyof typeof periods)[]).entries()) {
      inside += 10 ** i;
      const s = await keyStats(getDb(), acme.organizationId, id, period, now);
      expect(s.successfulRequests, period).toBe(inside);
      expect(s.errorRequests, period).toBe(errors);
      expect(s.totalRequests, period).toBe(inside + errors);
      expect(
        s.daily.reduce((n, d) => n + d.requests, 0),
        period,
      ).toBe(inside + errors);
      errors += 7;
    }
  });
});

describe("GET /api/v1/audit-log", () => {
  it("lists the org's events with the key as actor, filtered and paged", async () => {
    const target = await newKey(acme, ["customers:read"], { name: "Audited" });
    await patch(target.id, { name: "Audited 2" });
    const res = await call(auditLog, {
      path: `/api/v1/audit-log?keyId=${target.id}&limit=1`,
      key: reader.key,
    });
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual([
      expect.objectContaining({
        action: "key.updated",
        actor: { label: `key ${admin.prefix}… (CI admin)`, userId: null, keyId: admin.id },
        keyId: target.id,
      }),
    ]);
    const next = await call(auditLog, {
      path: `/api/v1/audit-log?keyId=${target.id}&limit=1&cursor=${res.json.nextCursor}`,
      key: reader.key,
    });
    expect((next.json.data as { action: string }[]).map((e) => e.action)).toEqual(["key.created"]);
    expect(next.json.nextCursor).toBeNull();
    const byActor = await call(auditLog, {
      path: "/api/v1/audit-log?actor=CI%20admin&action=key.updated",
      key: reader.key,
    });
    expect((byActor.json.data as unknown[]).length).toBeGreaterThan(0);
    const rivalView = await call(auditLog, {
      path: `/api/v1/audit-log?keyId=${target.id}`,
      key: rivalAdmin.key,
    });
    expect(rivalView.json.data).toEqual([]);
    const future = await call(auditLog, {
      path: "/api/v1/audit-log?from=2999-01-01",
      key: reader.key,
    });
    expect(future.json.data).toEqual([]);
    expectValidation(
      await call(auditLog, { path: "/api/v1/audit-log?from=yesterday", key: reader.key }),
    );
    expectValidation(await call(auditLog, { path: "/api/v1/audit-log?keyId=1", key: reader.key }));
  });
});
