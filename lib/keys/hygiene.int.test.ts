import { and, asc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createCustomer, GET as listCustomers } from "@/app/api/v1/customers/route";
import { POST as leaks } from "@/app/api/v1/leaks/route";
import { GET as me } from "@/app/api/v1/me/route";
import { getDb, setQueryObserver } from "@/db";
import { keysWithUnusedScopes, scopesUsed } from "@/db/queries/scope-usage";
import { apiKeys, auditLogs, keyPolicies, webhookDeliveries } from "@/db/schema";
import { createApiKey } from "@/lib/actions/create-api-key";
import { removeUnusedScopes } from "@/lib/actions/remove-unused-scopes";
import { updateApiKey } from "@/lib/actions/update-api-key";
import { updateKeyPolicy } from "@/lib/actions/update-key-policy";
import { generateApiKey } from "@/lib/keys/format";
import { settleLeakReports } from "@/lib/keys/leak-intake";
import type { KeyPolicy } from "@/lib/keys/policy";
import type { CreateKeyInput } from "@/lib/keys/schemas";
import type { Actor } from "@/lib/keys/service/audit";
import { KeyServiceError } from "@/lib/keys/service/errors";
import { disableIdleKeys } from "@/lib/keys/service/idle";
import { updateKeyPolicy as savePolicy } from "@/lib/keys/service/policy";
import { updateKey } from "@/lib/keys/service/update";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { actAs } from "@/tests/request-context";
import { withVerifyRuntime } from "@/tests/runtime";

withTestDatabase();
const runtime = withVerifyRuntime();

const DAY = 86_400_000;
let acme: Awaited<ReturnType<typeof createOrg>>;
let rival: Awaited<ReturnType<typeof createOrg>>;
let actor: Actor;
let rivalActor: Actor;

const newKey = (patch: Partial<CreateKeyInput> = {}, by: Actor = actor) => createTestKey(by, patch);

const keyRow = async (id: string) => {
  const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, id));
  if (!row) throw new Error("no key");
  return row;
};
const auditOf = (id: string) =>
  getDb().select().from(auditLogs).where(eq(auditLogs.keyId, id)).orderBy(asc(auditLogs.seq));

const setPolicy = (by: Actor, patch: Partial<KeyPolicy>) =>
  savePolicy(getDb(), by, {
    maxLifetimeDays: null,
    requireAllowedIpsForLive: false,
    disableUnusedAfterDays: null,
    leakAction: "disable",
    ...patch,
  });

function form(values: Record<string, string | string[]>) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(values)) {
    for (const item of Array.isArray(v) ? v : [v]) fd.append(k, item);
  }
  return fd;
}

async function report(body: unknown, ip = "198.51.100.7") {
  const res = await call(leaks as never, { path: "/api/v1/leaks", method: "POST", body, ip });
  await settleLeakReports();
  return res;
}

beforeAll(async () => {
  acme = await createOrg("Acme", ["admin", "member"]);
  rival = await createOrg("Rival");
  actor = { organizationId: acme.org.id, userId: acme.owner.id, label: "owner" };
  rivalActor = { organizationId: rival.org.id, userId: rival.owner.id, label: "rival" };
});

describe("leak reports", () => {
  it("disables a reported key once, audits it as the leak report and tells the reporter nothing", async () => {
    const { id, key } = await newKey({ name: "Leaky" });
    const first = await report({
      keys: [key, "lk_live_garbage", key],
      url: "https://github.com/acme/app/blob/main/.env",
      source: "github",
    });
    expect(first.status).toBe(202);
    expect(first.json).toEqual({ received: 3 });
    const row = await keyRow(id);
    expect(row.status).toBe("disabled");
    expect(row.disabledReason).toBe("leaked");
    expect(row.leakedAt).not.toBeNull();
    expect((await call(me, { key })).json.code).toBe("key_disabled");

    // Re-enabled by an admin, then reported again: the first report stays the only one applied.
    await getDb().update(apiKeys).set({ status: "active" }).where(eq(apiKeys.id, id));
    for (let i = 0; i < 3; i++) expect((await report({ keys: [key] })).status).toBe(202);
    expect((await keyRow(id)).status).toBe("active");
    const leaked = (await auditOf(id)).filter((a) => a.action === "key.leaked");
    expect(leaked).toHaveLength(1);
    expect(leaked[0]?.actorLabel).toBe("Leak report");
    expect(leaked[0]?.actorUserId).toBeNull();
    expect(leaked[0]?.metadata).toMatchObject({
      url: "https://github.com/acme/app/blob/main/.env",
      source: "github",
      policy: "disable",
    });
  });

  it("accepts GitHub's secret-scanning shape and applies each organization's own policy", async () => {
    await setPolicy(rivalActor, { leakAction: "revoke" });
    const mine = await newKey({ name: "Acme leaked" });
    const theirs = await newKey({ name: "Rival leaked" }, rivalActor);
    const res = await report([
      {
        token: mine.key,
        type: "latchkey_api_key",
        url: "https://gist.github.com/x",
        source: "gist",
      },
      {
        token: theirs.key,
        type: "latchkey_api_key",
        url: "https://example.com/y",
        source: "commit",
      },
    ]);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ received: 2 });
    expect((await keyRow(mine.id)).status).toBe("disabled");
    expect((await keyRow(theirs.id)).status).toBe("revoked");
    const [audit] = (await auditOf(theirs.id)).filter((a) => a.action === "key.leaked");
    expect(audit?.organizationId).toBe(rival.org.id);
    expect(audit?.metadata).toMatchObject({ source: "commit", policy: "revoke" });
  });

  it("only notifies under a notify policy", async () => {
    await setPolicy(rivalActor, { leakAction: "notify" });
    const { id, key } = await newKey({ name: "Notify only" }, rivalActor);
    await report({ keys: [key] });
    const row = await keyRow(id);
    expect(row.status).toBe("active");
    expect(row.leakedAt).not.toBeNull();
    expect((await auditOf(id)).map((a) => a.action)).toContain("key.leaked");
  });

  it("answers unknown keys and garbage exactly like real ones, with no query for bad checksums", async () => {
    const unknown = generateApiKey("lk", "live").key;
    const badChecksum = `${unknown.slice(0, -6)}000000`;
    const queries: string[] = [];
    setQueryObserver((q) => queries.push(q));
    try {
      const garbage = await report({ keys: [badChecksum, "nope", "lk_test_short"] });
      expect(garbage.status).toBe(202);
      expect(garbage.json).toEqual({ received: 3 });
      expect(queries).toHaveLength(0);
      const miss = await report({ keys: [unknown] });
      expect(miss.status).toBe(202);
      expect(miss.json).toEqual({ received: 1 });
      // One lookup by hash for the whole report, nothing else.
      expect(queries).toHaveLength(1);
      expect(queries[0]).toContain('"hash" in');
    } finally {
      setQueryObserver(undefined);
    }
  });

  it("refuses bad reports with problem+json and throttles per IP", async () => {
    expect((await report({ keys: [] })).json.code).toBe("validation_failed");
    expect((await report({ keys: ["x"], extra: 1 })).json.code).toBe("validation_failed");
    expect((await report({ keys: Array(101).fill("x") })).status).toBe(400);
    const big = await report({ keys: ["x".repeat(200)], url: "y".repeat(70_000) });
    expect(big.status).toBe(413);
    expect(big.json.code).toBe("payload_too_large");
    const text = await call(leaks as never, {
      path: "/api/v1/leaks",
      method: "POST",
      headers: { "content-type": "text/plain" },
      ip: "198.51.100.8",
    });
    expect(text.status).toBe(415);
    const ip = "198.51.100.99";
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await report({ keys: ["x"] }, ip)).status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(30);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("webhook events of key hygiene", () => {
  const eventsOf = (id: string) =>
    getDb()
      .select({ type: webhookDeliveries.eventType, payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.keyId, id));

  it("announces a leak as key.leaked and an idle key as key.disabled with reason inactive", async () => {
    const org = await createOrg("Hooked");
    const by: Actor = { organizationId: org.org.id, userId: org.owner.id, label: "owner" };
    const webhookUrl = "https://hooks.example.com/latchkey";
    const leaky = await newKey({ name: "Leaky", webhookUrl }, by);
    const idle = await newKey({ name: "Idle", webhookUrl }, by);

    await report({ keys: [leaky.key], source: "gitleaks", url: "https://example.com/leak" });
    const leakEvents = (await eventsOf(leaky.id)).filter((e) => e.type === "key.leaked");
    expect(leakEvents).toHaveLength(1);
    expect(leakEvents[0]?.payload).toMatchObject({
      type: "key.leaked",
      data: { keyId: leaky.id, organizationId: org.org.id, source: "gitleaks", policy: "disable" },
    });
    // The status change it caused is announced like any other, once.
    const leakDisabled = (await eventsOf(leaky.id)).filter((e) => e.type === "key.disabled");
    expect(leakDisabled).toHaveLength(1);
    expect(leakDisabled[0]?.payload).toMatchObject({
      data: { keyId: leaky.id, reason: "leaked", changes: ["status"] },
    });
    // Under "Revoke it", a leak announces key.revoked; under "Only notify", key.leaked alone.
    await setPolicy(by, { leakAction: "revoke" });
    const revoked = await newKey({ name: "Revoked on leak", webhookUrl }, by);
    await report({ keys: [revoked.key] });
    expect((await eventsOf(revoked.id)).map((e) => e.type).sort()).toEqual([
      "key.created",
      "key.leaked",
      "key.revoked",
    ]);
    await setPolicy(by, { leakAction: "notify" });
    const notified = await newKey({ name: "Notified", webhookUrl }, by);
    await report({ keys: [notified.key] });
    expect((await eventsOf(notified.id)).map((e) => e.type).sort()).toEqual([
      "key.created",
      "key.leaked",
    ]);
    await setPolicy(by, { leakAction: "disable" });

    await setPolicy(by, { disableUnusedAfterDays: 30 });
    await disableIdleKeys(getDb(), new Date(Date.now() + 31 * DAY));
    const disabled = (await eventsOf(idle.id)).filter((e) => e.type === "key.disabled");
    expect(disabled).toHaveLength(1);
    expect(disabled[0]?.payload).toMatchObject({ data: { keyId: idle.id, reason: "inactive" } });
  });
});

describe("key policy", () => {
  let policyOrg: Awaited<ReturnType<typeof createOrg>>;
  let by: Actor;
  beforeAll(async () => {
    policyOrg = await createOrg("Policy Inc", ["admin", "member"]);
    by = { organizationId: policyOrg.org.id, userId: policyOrg.owner.id, label: "owner" };
  });

  it("is saved by owners and admins with an audit row, and refused to members", async () => {
    actAs(policyOrg.member?.id as string, policyOrg.org.id);
    const refused = await updateKeyPolicy(null, form({ leakAction: "revoke" }));
    expect(refused.ok).toBe(false);
    expect(await getDb().select().from(keyPolicies)).not.toContainEqual(
      expect.objectContaining({ organizationId: policyOrg.org.id }),
    );

    actAs(policyOrg.admin?.id as string, policyOrg.org.id);
    const bad = await updateKeyPolicy(null, form({ maxLifetimeDays: "45", leakAction: "x" }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["leakAction", "maxLifetimeDays"]);
    }
    const saved = await updateKeyPolicy(
      null,
      form({
        maxLifetimeDays: "30",
        requireAllowedIpsForLive: "on",
        disableUnusedAfterDays: "none",
        leakAction: "revoke",
      }),
    );
    expect(saved.ok).toBe(true);
    const audits = await getDb()
      .select()
      .from(auditLogs)
      .where(
        and(eq(auditLogs.organizationId, policyOrg.org.id), eq(auditLogs.action, "policy.updated")),
      );
    expect(audits).toHaveLength(1);
    expect(audits[0]?.after).toMatchObject({ maxLifetimeDays: 30, leakAction: "revoke" });
    expect(audits[0]?.before).toMatchObject({ maxLifetimeDays: null, leakAction: "disable" });
  });

  it("refuses keys that break it on create and edit, with field errors naming it", async () => {
    await setPolicy(by, { maxLifetimeDays: 30, requireAllowedIpsForLive: true });
    const count = async () =>
      (await getDb().select().from(apiKeys).where(eq(apiKeys.organizationId, by.organizationId)))
        .length;
    const before = await count();

    await expect(newKey({}, by)).rejects.toMatchObject({
      code: "policy_violation",
      fieldErrors: {
        expiresAt: [expect.stringContaining("30 days")],
        allowedIps: [expect.stringContaining("allowed IPs")],
      },
    });
    await expect(
      newKey({ expiresAt: new Date(Date.now() + 31 * DAY), allowedIps: ["10.0.0.0/8"] }, by),
    ).rejects.toBeInstanceOf(KeyServiceError);
    // Test keys need no allowlist; 30 days is allowed.
    const ok = await newKey(
      { environment: "test", expiresAt: new Date(Date.now() + 30 * DAY - 1000) },
      by,
    );
    expect(await count()).toBe(before + 1);

    actAs(policyOrg.admin?.id as string, policyOrg.org.id);
    const viaForm = await createApiKey(
      form({
        name: "Never expires",
        scopes: ["customers:read"],
        expiration: "never",
        allowedIps: "10.0.0.1",
      }),
    );
    expect(viaForm.ok).toBe(false);
    if (!viaForm.ok) {
      expect(viaForm.code).toBe("invalid_input");
      expect(viaForm.fieldErrors?.expiresAt?.[0]).toContain("30 days");
    }
    expect(await count()).toBe(before + 1);

    await expect(
      updateKey(getDb(), by, ok.id, { expiresAt: new Date(Date.now() + 60 * DAY) }),
    ).rejects.toMatchObject({ code: "policy_violation" });
    // An edit that leaves the governed fields alone still works.
    const renamed = await updateApiKey(
      form({ id: ok.id, name: "Renamed", scopes: ["customers:read"], expiration: "keep" }),
    );
    expect(renamed.ok).toBe(true);
  });

  it("disables idle keys once, counting never-used keys from creation (injected clock)", async () => {
    const org = await createOrg("Idle Co");
    const idleActor: Actor = { organizationId: org.org.id, userId: org.owner.id, label: "owner" };
    const used = await newKey({ name: "Used" }, idleActor);
    const never = await newKey({ name: "Never used" }, idleActor);
    await getDb()
      .update(apiKeys)
      .set({ lastUsedAt: new Date(Date.now() + 40 * DAY) })
      .where(eq(apiKeys.id, used.id));
    await setPolicy(idleActor, { disableUnusedAfterDays: 60 });

    expect(await disableIdleKeys(getDb(), new Date(Date.now() + 59 * DAY))).toEqual([]);
    const at61 = new Date(Date.now() + 61 * DAY);
    expect(await disableIdleKeys(getDb(), at61)).toEqual([{ id: never.id }]);
    expect(await disableIdleKeys(getDb(), at61)).toEqual([]);
    const row = await keyRow(never.id);
    expect(row.status).toBe("disabled");
    expect(row.disabledReason).toBe("inactive");
    const [audit] = (await auditOf(never.id)).filter((a) => a.action === "key.disabled");
    expect(audit?.actorLabel).toBe("Key policy");
    expect(audit?.metadata).toMatchObject({ reason: "inactive", unusedDays: 60 });
    expect((await keyRow(used.id)).status).toBe("active");
    expect(
      (await disableIdleKeys(getDb(), new Date(Date.now() + 101 * DAY))).map((k) => k.id),
    ).toEqual([used.id]);
  });
});

describe("scopes in use", () => {
  it("records the scopes that verified requests needed and narrows the key to them", async () => {
    const { id, key } = await newKey({ scopes: ["customers:read", "customers:write"] });
    for (let i = 0; i < 3; i++) {
      expect((await call(listCustomers, { path: "/api/v1/customers", key })).status).toBe(200);
    }
    expect((await call(me, { key })).status).toBe(200);
    await runtime().usage.flush();
    expect(await scopesUsed(getDb(), acme.org.id, id)).toEqual(["customers:read"]);
    expect(await keysWithUnusedScopes(getDb(), acme.org.id)).toContainEqual({
      id,
      name: "Test key",
      unused: ["customers:write"],
    });
    expect(await keysWithUnusedScopes(getDb(), rival.org.id)).toEqual([]);
    // Another organization asking about this key sees nothing.
    expect(await scopesUsed(getDb(), rival.org.id, id)).toEqual([]);

    actAs(acme.member?.id as string, acme.org.id);
    expect((await removeUnusedScopes({ id })).ok).toBe(false);
    actAs(rival.owner.id, rival.org.id);
    expect((await removeUnusedScopes({ id })).ok).toBe(false);
    expect((await keyRow(id)).scopes).toEqual(["customers:read", "customers:write"]);

    actAs(acme.admin?.id as string, acme.org.id);
    const narrowed = await removeUnusedScopes({ id });
    expect(narrowed.ok).toBe(true);
    expect((await keyRow(id)).scopes).toEqual(["customers:read"]);
    const [audit] = (await auditOf(id)).filter((a) => a.action === "key.updated");
    expect(audit?.before).toMatchObject({ scopes: ["customers:read", "customers:write"] });
    expect(audit?.after).toMatchObject({ scopes: ["customers:read"] });
    // The change reaches the verifier's cache through NOTIFY, within moments.
    await expect
      .poll(async () => {
        const write = await call(createCustomer, {
          path: "/api/v1/customers",
          method: "POST",
          key,
          body: { name: "A", email: "a@example.com" },
        });
        return write.json.code;
      })
      .toBe("insufficient_scope");
  });

  it("does not count a refused request as use", async () => {
    const { id, key } = await newKey({ scopes: ["customers:read"] });
    const refused = await call(createCustomer, {
      path: "/api/v1/customers",
      method: "POST",
      key,
      body: { name: "A", email: "a@example.com" },
    });
    expect(refused.status).toBe(403);
    await runtime().usage.flush();
    expect(await scopesUsed(getDb(), acme.org.id, id)).toEqual([]);
    const rows = await getDb().execute(
      sql`select count(*)::int as n from api_key_usage where key_id = ${id}`,
    );
    expect(JSON.stringify(rows)).toContain('"n":1');
  });
});
