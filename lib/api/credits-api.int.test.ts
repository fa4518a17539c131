/** Credits over the management API: usageLimit/usageRefill on create and PATCH, top-ups, reads. */
import { periodOf } from "@latchkey/verify/credits/period";
import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as roll } from "@/app/api/v1/api-keys/[id]/roll/route";
import * as keyRoute from "@/app/api/v1/api-keys/[id]/route";
import * as keysRoute from "@/app/api/v1/api-keys/route";
import { getDb } from "@/db";
import { apiKeys, auditLogs } from "@/db/schema";
import type { Actor } from "@/lib/keys/service/audit";
import type { Scope } from "@/lib/scopes";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { keyRow, setKeyRow } from "@/tests/key-rows";
import { withVerifyRuntime } from "@/tests/runtime";

withTestDatabase();
withVerifyRuntime({ defaultRateLimitPerMinute: 100_000 });

const ADMIN: Scope[] = ["api_keys:read", "api_keys:write", "customers:read"];
let acme: Actor;
let admin: { id: string; key: string };
let rivalKey: { id: string };

beforeAll(async () => {
  const a = await createOrg("Acme");
  const r = await createOrg("Rival");
  acme = { organizationId: a.org.id, userId: a.owner.id, label: "owner" };
  const rival: Actor = { organizationId: r.org.id, userId: r.owner.id, label: "rival" };
  admin = await createTestKey(acme, { name: "CI admin", scopes: ADMIN });
  rivalKey = await createTestKey(rival, { name: "Rival's", usageLimit: 10 });
});

const create = (body: unknown) =>
  call(keysRoute.POST, { path: "/api/v1/api-keys", method: "POST", key: admin.key, body });
const get = (id: string) =>
  call(keyRoute.GET, { path: `/api/v1/api-keys/${id}`, key: admin.key, params: { id } });
const patch = (id: string, body: unknown) =>
  call(keyRoute.PATCH, {
    path: `/api/v1/api-keys/${id}`,
    method: "PATCH",
    key: admin.key,
    body,
    params: { id },
  });
const row = keyRow;
const setRow = setKeyRow;
const errorsOf = (res: Awaited<ReturnType<typeof call>>) =>
  (res.json.errors as { path: string; message: string }[]).map((e) => e.path);

describe("POST /api/v1/api-keys with credits", () => {
  it("creates a key with a usage limit and refill, full", async () => {
    const res = await create({
      name: "Metered",
      scopes: ["customers:read"],
      usageLimit: 5,
      usageRefill: "daily",
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ usageLimit: 5, usageRefill: "daily", usageRemaining: 5 });
    expect(await row(res.json.id as string)).toMatchObject({
      usageRemaining: 5,
      usagePeriod: periodOf("daily", Date.now()),
      usageVersion: 0,
    });
    const plain = await create({ name: "Plain", scopes: ["customers:read"] });
    expect(plain.json).toMatchObject({
      usageLimit: null,
      usageRefill: "never",
      usageRemaining: null,
    });
  });

  it("refuses a refill without a limit, and limits that are not whole numbers in range", async () => {
    const before = (await getDb().select().from(apiKeys)).length;
    const refill = await create({ name: "x", scopes: ["customers:read"], usageRefill: "monthly" });
    expect(refill.status).toBe(400);
    expect(refill.json).toMatchObject({ code: "validation_failed" });
    expect(refill.json.errors).toEqual([
      { path: "usageRefill", message: "Set a usage limit to refill it." },
    ]);
    for (const usageLimit of [0, -1, 1.5, "5", 1_000_000_001, true]) {
      const res = await create({ name: "x", scopes: ["customers:read"], usageLimit });
      expect(res.status, String(usageLimit)).toBe(400);
      expect(errorsOf(res)).toEqual(["usageLimit"]);
    }
    const hourly = await create({
      name: "x",
      scopes: ["customers:read"],
      usageLimit: 5,
      usageRefill: "hourly",
    });
    expect(errorsOf(hourly)).toEqual(["usageRefill"]);
    expect((await getDb().select().from(apiKeys)).length).toBe(before);
  });
});

describe("usageRemaining in every read", () => {
  it("lists and gets what is left now, counting a refill that came due", async () => {
    const key = await createTestKey(acme, { name: "Daily", usageLimit: 8, usageRefill: "daily" });
    await setRow(key.id, { usageRemaining: 2 });
    expect((await get(key.id)).json).toMatchObject({ usageLimit: 8, usageRemaining: 2 });
    const listed = await call(keysRoute.GET, {
      path: "/api/v1/api-keys?limit=100",
      key: admin.key,
    });
    const mine = (listed.json.data as { id: string }[]).find((k) => k.id === key.id);
    expect(mine).toMatchObject({ usageLimit: 8, usageRefill: "daily", usageRemaining: 2 });
    expect((listed.json.data as { id: string }[]).find((k) => k.id === admin.id)).toMatchObject({
      usageRemaining: null,
    });

    await setRow(key.id, { usageRemaining: 0, usagePeriod: periodOf("daily", Date.now()) - 1 });
    expect((await get(key.id)).json).toMatchObject({ usageRemaining: 8 });
  });
});

describe("PATCH /api/v1/api-keys/{id} credits", () => {
  it("tops a key up, bumps the version, and audits it as the acting key", async () => {
    const key = await createTestKey(acme, { name: "Top me", usageLimit: 10 });
    await setRow(key.id, { usageRemaining: 0 });
    const res = await patch(key.id, { usageRemaining: 10 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ usageLimit: 10, usageRemaining: 10 });
    expect(await row(key.id)).toMatchObject({ usageRemaining: 10, usageVersion: 1 });
    const [audit] = await getDb()
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.keyId, key.id), eq(auditLogs.action, "key.updated")))
      .orderBy(desc(auditLogs.seq));
    expect(audit).toMatchObject({
      actorKeyId: admin.id,
      before: { usageRemaining: 0 },
      after: { usageRemaining: 10 },
    });
  });

  it("moves what is left with a new limit, and removes the limit with its refill", async () => {
    const key = await createTestKey(acme, { name: "Resize", usageLimit: 10, usageRefill: "daily" });
    await setRow(key.id, { usageRemaining: 4 });
    expect((await patch(key.id, { usageLimit: 100 })).json).toMatchObject({
      usageLimit: 100,
      usageRemaining: 94,
    });
    expect((await patch(key.id, { usageRefill: "monthly" })).json).toMatchObject({
      usageRefill: "monthly",
      usageRemaining: 94,
    });
    const removed = await patch(key.id, { usageLimit: null, usageRefill: "never" });
    expect(removed.json).toMatchObject({
      usageLimit: null,
      usageRefill: "never",
      usageRemaining: null,
    });
    expect((await row(key.id)).usageVersion).toBe(3);
  });

  it("answers 400 for a top-up or refill the key cannot take, changing nothing", async () => {
    const key = await createTestKey(acme, { name: "Unlimited" });
    const limited = await createTestKey(acme, {
      name: "Limited",
      usageLimit: 5,
      usageRefill: "daily",
    });
    const before = [await row(key.id), await row(limited.id)];
    const topUp = await patch(key.id, { name: "Renamed", usageRemaining: 50 });
    expect(topUp.status).toBe(400);
    expect(topUp.headers.get("content-type")).toBe("application/problem+json");
    expect(topUp.json.code).toBe("validation_failed");
    expect(errorsOf(topUp)).toEqual(["usageRemaining"]);
    expect(errorsOf(await patch(key.id, { usageRefill: "daily" }))).toEqual(["usageRefill"]);
    expect(errorsOf(await patch(limited.id, { usageLimit: null }))).toEqual(["usageRefill"]);
    for (const usageRemaining of [-1, 1.5, null, "10", 1_000_000_001]) {
      const res = await patch(limited.id, { usageRemaining });
      expect(res.status, String(usageRemaining)).toBe(400);
      expect(errorsOf(res)).toEqual(["usageRemaining"]);
    }
    expect([await row(key.id), await row(limited.id)]).toEqual(before);
  });

  it("never reaches another organization's key", async () => {
    const before = await row(rivalKey.id);
    const res = await patch(rivalKey.id, { usageRemaining: 1_000_000 });
    expect(res.status).toBe(404);
    expect(res.json.code).toBe("not_found");
    expect(await row(rivalKey.id)).toEqual(before);
  });
});

describe("POST /api/v1/api-keys/{id}/roll with credits", () => {
  it("answers with the new key carrying what is left, and the old key keeping its own", async () => {
    const key = await createTestKey(acme, { name: "Rolled", usageLimit: 10 });
    await setRow(key.id, { usageRemaining: 6 });
    const res = await call(roll, {
      path: `/api/v1/api-keys/${key.id}/roll`,
      method: "POST",
      key: admin.key,
      body: {},
      params: { id: key.id },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      key: { usageLimit: 10, usageRemaining: 6 },
      previous: { id: key.id, usageLimit: 10, usageRemaining: 6 },
    });
  });
});
