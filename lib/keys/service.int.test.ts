import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { auditLogs, webhookDeliveries } from "@/db/schema";
import { hashApiKey } from "@/lib/keys/format";
import type { KeyPolicy } from "@/lib/keys/policy";
import type { Actor } from "@/lib/keys/service/audit";
import { createKey } from "@/lib/keys/service/create";
import { disableIdleKeys } from "@/lib/keys/service/idle";
import { applyLeakReport } from "@/lib/keys/service/leak";
import { updateKeyPolicy } from "@/lib/keys/service/policy";
import { rollKey } from "@/lib/keys/service/roll";
import { changeKeyStatus } from "@/lib/keys/service/status";
import { updateKey } from "@/lib/keys/service/update";
import { regenerateWebhookSecret } from "@/lib/keys/service/webhook-secret";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { auditOf, keyRow, setKeyRow } from "@/tests/key-rows";

withTestDatabase();

const DAY = 86_400_000;
const HOUR = 3_600_000;
const webhookUrl = "https://hooks.example.com/latchkey";

/** Each test gets an organization of its own, so policies and sweeps do not meet. */
async function newOrg(): Promise<Actor> {
  const { org, owner } = await createOrg("Service Co");
  return { organizationId: org.id, userId: owner.id, label: "owner" };
}
const setPolicy = (by: Actor, patch: Partial<KeyPolicy>) =>
  updateKeyPolicy(getDb(), by, {
    maxLifetimeDays: null,
    requireAllowedIpsForLive: false,
    disableUnusedAfterDays: null,
    leakAction: "disable",
    ...patch,
  });
const setRow = setKeyRow;
const eventsOf = (id: string) =>
  getDb()
    .select({ type: webhookDeliveries.eventType, payload: webhookDeliveries.payload })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.keyId, id));
const leak = (key: string, extra: { url?: string; source?: string } = {}) => ({
  hash: hashApiKey(key),
  url: extra.url ?? null,
  source: extra.source ?? null,
});

describe("leak reports by policy", () => {
  it("disables an active key, notifies for a disabled or revoked one, revokes under revoke", async () => {
    const by = await newOrg();
    const now = new Date("2026-05-01T10:00:00Z");
    const active = await createTestKey(by, { name: "Active" });
    const disabled = await createTestKey(by, { name: "Disabled" });
    const revoked = await createTestKey(by, { name: "Revoked" });
    await changeKeyStatus(getDb(), by, [disabled.id], "disable");
    await changeKeyStatus(getDb(), by, [revoked.id], "revoke");
    const disabledAt = (await keyRow(disabled.id)).disabledAt;

    const done = await applyLeakReport(
      getDb(),
      [
        leak(active.key, { url: "https://example.com/a", source: "gist" }),
        leak(disabled.key),
        leak(revoked.key),
      ],
      now,
    );
    expect(done).toEqual(
      expect.arrayContaining([
        { id: active.id, action: "disable" },
        { id: disabled.id, action: "notify" },
        { id: revoked.id, action: "notify" },
      ]),
    );
    expect(done).toHaveLength(3);
    expect(await keyRow(active.id)).toMatchObject({
      status: "disabled",
      disabledAt: now,
      disabledReason: "leaked",
      leakedAt: now,
      updatedAt: now,
    });
    // A key someone already disabled stays as they left it, only marked as leaked.
    expect(await keyRow(disabled.id)).toMatchObject({
      status: "disabled",
      disabledAt,
      disabledReason: null,
      leakedAt: now,
    });
    expect(await keyRow(revoked.id)).toMatchObject({ status: "revoked", leakedAt: now });
    const [audit] = await auditOf(active.id, "key.leaked");
    expect(audit?.metadata).toEqual({
      url: "https://example.com/a",
      source: "gist",
      policy: "disable",
    });
    expect(audit).toMatchObject({ actorLabel: "Leak report", actorUserId: null });
    expect(audit?.before).toMatchObject({ status: "active" });
    expect(audit?.after).toMatchObject({ status: "disabled" });

    // Reported again: nothing left to do.
    expect(await applyLeakReport(getDb(), [leak(active.key)], now)).toEqual([]);
    expect(await applyLeakReport(getDb(), [])).toEqual([]);
  });

  it("revokes active and disabled keys under a revoke policy", async () => {
    const by = await newOrg();
    await setPolicy(by, { leakAction: "revoke" });
    const now = new Date("2026-05-02T10:00:00Z");
    const active = await createTestKey(by);
    const disabled = await createTestKey(by);
    await changeKeyStatus(getDb(), by, [disabled.id], "disable");
    const done = await applyLeakReport(getDb(), [leak(active.key), leak(disabled.key)], now);
    expect(done.map((d) => d.action)).toEqual(["revoke", "revoke"]);
    for (const id of [active.id, disabled.id]) {
      expect(await keyRow(id)).toMatchObject({ status: "revoked", revokedAt: now, leakedAt: now });
    }
  });

  it("only marks the key under a notify policy", async () => {
    const by = await newOrg();
    await setPolicy(by, { leakAction: "notify" });
    const key = await createTestKey(by);
    expect(await applyLeakReport(getDb(), [leak(key.key)])).toEqual([
      { id: key.id, action: "notify" },
    ]);
    expect(await keyRow(key.id)).toMatchObject({ status: "active", disabledReason: null });
  });
});

describe("creating a key", () => {
  it("returns a webhook secret only with a webhook, and audits who created what", async () => {
    const by = await newOrg();
    const hooked = await createKey(
      getDb(),
      by,
      {
        name: "Hooked",
        description: null,
        scopes: ["customers:read"],
        environment: "test",
        expiresAt: null,
        allowedIps: [],
        rateLimitPerMinute: null,
        webhookUrl,
      },
      "lk",
    );
    expect(hooked.key).toMatch(/^lk_test_/);
    expect(hooked.webhookSecret).toMatch(/.{16,}/);
    expect(await keyRow(hooked.id)).toMatchObject({
      createdBy: by.userId,
      environment: "test",
      webhookUrl,
      webhookSecretEnc: expect.any(String),
    });
    const [created] = await auditOf(hooked.id, "key.created");
    expect(created?.before).toBeNull();
    expect(created?.after).toMatchObject({ webhookUrl, expiresAt: null, environment: "test" });
    const [event] = await eventsOf(hooked.id);
    expect(event?.type).toBe("key.created");
    expect(event?.payload).toMatchObject({ data: { name: "Hooked" } });
    expect((event?.payload as { data?: object } | undefined)?.data).not.toHaveProperty("changes");

    const plain = await createTestKey(by);
    expect(plain).not.toHaveProperty("webhookSecret");
    expect(await keyRow(plain.id)).toMatchObject({ webhookUrl: null, webhookSecretEnc: null });
  });

  it("names every policy objection in one message", async () => {
    const by = await newOrg();
    await setPolicy(by, { maxLifetimeDays: 30, requireAllowedIpsForLive: true });
    await expect(createTestKey(by)).rejects.toMatchObject({
      code: "policy_violation",
      message:
        "The key policy requires an expiry within 30 days. The key policy requires allowed IPs for live keys.",
    });
  });
});

describe("status changes", () => {
  it("skips keys that cannot make the change, with the reason", async () => {
    const by = await newOrg();
    const active = await createTestKey(by, { name: "A" });
    const disabled = await createTestKey(by, { name: "D" });
    const revoked = await createTestKey(by, { name: "R" });
    await changeKeyStatus(getDb(), by, [disabled.id], "disable");
    await changeKeyStatus(getDb(), by, [revoked.id], "revoke");
    const all = [active.id, disabled.id, revoked.id];
    const reasons = async (change: "disable" | "enable" | "revoke") =>
      (await changeKeyStatus(getDb(), by, all, change)).skipped.map((s) => s.reason).sort();

    expect(await reasons("enable")).toEqual([
      "A revoked key cannot be enabled.",
      "This key is already active.",
    ]);
    // Enabling the disabled key made both of the others' reasons apply now.
    expect(await reasons("disable")).toEqual(["A revoked key cannot be changed."]);
    expect(await reasons("disable")).toEqual([
      "A revoked key cannot be changed.",
      "This key is already disabled.",
      "This key is already disabled.",
    ]);
    expect(await reasons("revoke")).toEqual(["This key is already revoked."]);
    expect(await reasons("revoke")).toEqual([
      "This key is already revoked.",
      "This key is already revoked.",
      "This key is already revoked.",
    ]);
  });

  it("stamps when and by whom, and clears the disable time on enabling", async () => {
    const by = await newOrg();
    const key = await createTestKey(by);
    const result = await changeKeyStatus(getDb(), by, [key.id, key.id], "disable");
    expect(result).toEqual({ changed: [{ id: key.id, name: "Test key" }], skipped: [] });
    const disabled = await keyRow(key.id);
    expect(disabled.disabledAt).toBeInstanceOf(Date);
    expect(disabled.revokedAt).toBeNull();
    await changeKeyStatus(getDb(), by, [key.id], "enable");
    expect(await keyRow(key.id)).toMatchObject({ status: "active", disabledAt: null });
    await changeKeyStatus(getDb(), by, [key.id], "revoke");
    const revoked = await keyRow(key.id);
    expect(revoked.revokedBy).toBe(by.userId);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(revoked.disabledAt).toBeNull();
    const audits = await auditOf(key.id);
    const status = (snapshot: unknown) => (snapshot as { status?: string } | null)?.status;
    expect(audits.map((a) => [a.action, status(a.before), status(a.after)])).toEqual([
      ["key.created", undefined, "active"],
      ["key.disabled", "active", "disabled"],
      ["key.enabled", "disabled", "active"],
      ["key.revoked", "active", "revoked"],
    ]);
    expect(audits.every((a) => a.metadata === null)).toBe(true);
  });

  it("spells out a key acting on itself", async () => {
    const by = await newOrg();
    const self = await createTestKey(by);
    const other = await createTestKey(by);
    const asKey: Actor = { ...by, userId: null, keyId: self.id, label: "key" };
    await changeKeyStatus(getDb(), asKey, [self.id, other.id], "disable");
    const [own] = await auditOf(self.id, "key.disabled");
    const [theirs] = await auditOf(other.id, "key.disabled");
    expect(own).toMatchObject({ actorKeyId: self.id, metadata: { self: true } });
    expect(theirs).toMatchObject({ actorKeyId: self.id, metadata: null });
  });

  it("refuses unknown ids, naming one or several", async () => {
    const by = await newOrg();
    const other = await newOrg();
    const mine = await createTestKey(by);
    const theirs = await createTestKey(other);
    await expect(changeKeyStatus(getDb(), by, [theirs.id], "revoke")).rejects.toMatchObject({
      code: "not_found",
      message: "This key does not exist.",
    });
    await expect(
      changeKeyStatus(getDb(), by, [mine.id, theirs.id], "revoke"),
    ).rejects.toMatchObject({ code: "not_found", message: "Some of these keys do not exist." });
    expect((await keyRow(mine.id)).status).toBe("active");
    expect((await keyRow(theirs.id)).status).toBe("active");
  });
});

describe("updating a key", () => {
  it("changes nothing when nothing differs, and says so", async () => {
    const by = await newOrg();
    const key = await createTestKey(by, { name: "Same", scopes: ["customers:read"] });
    const before = await keyRow(key.id);
    expect(
      await updateKey(getDb(), by, key.id, {
        name: "Same",
        scopes: ["customers:read"],
        status: "active",
      }),
    ).toEqual({ changed: false, status: "active" });
    expect((await keyRow(key.id)).updatedAt).toEqual(before.updatedAt);
    expect((await auditOf(key.id)).map((a) => a.action)).toEqual(["key.created"]);
  });

  it("edits and changes status in one call, auditing both and naming the changed fields", async () => {
    const by = await newOrg();
    const key = await createTestKey(by, { name: "Old", webhookUrl });
    const result = await updateKey(getDb(), by, key.id, {
      name: "New",
      rateLimitPerMinute: 60,
      status: "disabled",
    });
    expect(result).toEqual({ changed: true, status: "disabled" });
    expect(await keyRow(key.id)).toMatchObject({
      name: "New",
      rateLimitPerMinute: 60,
      status: "disabled",
    });
    const audits = await auditOf(key.id);
    expect(audits.map((a) => a.action)).toEqual(["key.created", "key.updated", "key.disabled"]);
    expect(audits[1]?.before).toMatchObject({ name: "Old", rateLimitPerMinute: null });
    expect(audits[1]?.after).toMatchObject({ name: "New", rateLimitPerMinute: 60 });
    expect(audits[1]?.after).not.toHaveProperty("hash");
    expect(audits[2]?.after).toMatchObject({ name: "New", status: "disabled" });
    const updated = (await eventsOf(key.id)).find((e) => e.type === "key.updated");
    expect(updated?.payload).toMatchObject({
      data: { name: "New", changes: ["name", "rateLimitPerMinute"] },
    });

    expect(await updateKey(getDb(), by, key.id, { status: "active" })).toEqual({
      changed: true,
      status: "active",
    });
    expect(await keyRow(key.id)).toMatchObject({ status: "active", disabledAt: null });
  });

  it("reports an expired key as expired", async () => {
    const by = await newOrg();
    const key = await createTestKey(by);
    const result = await updateKey(getDb(), by, key.id, {
      expiresAt: new Date(Date.now() - 1000),
    });
    expect(result).toEqual({ changed: true, status: "expired" });
  });

  it("gives a webhook a secret when first set, keeps it when the URL changes, drops it with the URL", async () => {
    const by = await newOrg();
    const key = await createTestKey(by);
    const first = await updateKey(getDb(), by, key.id, { webhookUrl });
    expect(first.webhookSecret).toMatch(/.{16,}/);
    const enc = (await keyRow(key.id)).webhookSecretEnc;
    expect(enc).not.toBeNull();
    const moved = await updateKey(getDb(), by, key.id, { webhookUrl: `${webhookUrl}/v2` });
    expect(moved).toEqual({ changed: true, status: "active" });
    expect((await keyRow(key.id)).webhookSecretEnc).toBe(enc);
    await updateKey(getDb(), by, key.id, { webhookUrl: null });
    expect(await keyRow(key.id)).toMatchObject({ webhookUrl: null, webhookSecretEnc: null });
  });

  it("holds only the touched fields to the policy, measured from the key's creation", async () => {
    const by = await newOrg();
    const key = await createTestKey(by, { environment: "live" });
    await setRow(key.id, { createdAt: new Date(Date.now() - 20 * DAY) });
    await setPolicy(by, { maxLifetimeDays: 30, requireAllowedIpsForLive: true });
    // Renaming an older key that breaks the policy stays possible.
    expect((await updateKey(getDb(), by, key.id, { name: "Renamed" })).changed).toBe(true);
    await expect(
      updateKey(getDb(), by, key.id, { expiresAt: new Date(Date.now() + 11 * DAY) }),
    ).rejects.toMatchObject({
      code: "policy_violation",
      message: "The key policy allows keys to live at most 30 days.",
      fieldErrors: { expiresAt: ["The key policy allows keys to live at most 30 days."] },
    });
    await updateKey(getDb(), by, key.id, { expiresAt: new Date(Date.now() + 9 * DAY) });
    await expect(
      updateKey(getDb(), by, key.id, { allowedIps: [], rateLimitPerMinute: 5 }),
    ).resolves.toMatchObject({ changed: true });
    await expect(
      updateKey(getDb(), by, key.id, { expiresAt: null, name: "Forever" }),
    ).rejects.toMatchObject({
      fieldErrors: { expiresAt: ["The key policy requires an expiry within 30 days."] },
    });
    expect((await keyRow(key.id)).name).toBe("Renamed");

    const listed = await createTestKey(by, {
      allowedIps: ["10.0.0.1"],
      expiresAt: new Date(Date.now() + DAY),
    });
    await expect(updateKey(getDb(), by, listed.id, { allowedIps: [] })).rejects.toMatchObject({
      fieldErrors: { allowedIps: ["The key policy requires allowed IPs for live keys."] },
    });
    expect((await keyRow(listed.id)).allowedIps).toEqual(["10.0.0.1"]);
  });

  it("refuses revoked and unknown keys", async () => {
    const by = await newOrg();
    const other = await newOrg();
    const key = await createTestKey(by);
    await expect(updateKey(getDb(), other, key.id, { name: "x" })).rejects.toMatchObject({
      code: "not_found",
      message: "This key does not exist.",
    });
    await changeKeyStatus(getDb(), by, [key.id], "revoke");
    await expect(updateKey(getDb(), by, key.id, { name: "x" })).rejects.toMatchObject({
      code: "invalid_transition",
      message: "A revoked key cannot be changed.",
    });
  });
});

describe("rolling a key", () => {
  const roll = (by: Actor, id: string, grace: "now" | "1h" | "24h" | "7d", now: Date) =>
    rollKey(getDb(), by, id, grace, "lk", now);

  it("keeps the old key for the grace period, never beyond its own expiry", async () => {
    const by = await newOrg();
    const now = new Date(Date.now() + 1000);
    const open = await createTestKey(by);
    expect((await roll(by, open.id, "24h", now)).oldKeyExpiresAt).toEqual(
      new Date(now.getTime() + 24 * HOUR),
    );
    const soon = await createTestKey(by, { expiresAt: new Date(now.getTime() + 2 * HOUR) });
    const rolled = await roll(by, soon.id, "7d", now);
    expect(rolled.oldKeyExpiresAt).toEqual(new Date(now.getTime() + 2 * HOUR));
    expect(await keyRow(soon.id)).toMatchObject({
      expiresAt: new Date(now.getTime() + 2 * HOUR),
      updatedAt: now,
    });
    const later = await createTestKey(by, { expiresAt: new Date(now.getTime() + 2 * HOUR) });
    expect((await roll(by, later.id, "1h", now)).oldKeyExpiresAt).toEqual(
      new Date(now.getTime() + HOUR),
    );
  });

  it("gives the new key the old one's settings and its whole lifetime, within the policy", async () => {
    const by = await newOrg();
    const now = new Date(Date.now() + 1000);
    const old = await createTestKey(by, {
      name: "Worker",
      description: "Nightly",
      scopes: ["customers:read", "customers:write"],
      allowedIps: ["10.0.0.0/8"],
      rateLimitPerMinute: 30,
      webhookUrl,
      expiresAt: new Date(now.getTime() + 5 * DAY),
    });
    await setRow(old.id, { createdAt: new Date(now.getTime() - 5 * DAY) });
    const before = await keyRow(old.id);
    const rolled = await roll(by, old.id, "now", now);
    const fresh = await keyRow(rolled.id);
    expect(fresh).toMatchObject({
      name: "Worker",
      description: "Nightly",
      scopes: ["customers:read", "customers:write"],
      allowedIps: ["10.0.0.0/8"],
      rateLimitPerMinute: 30,
      webhookUrl,
      webhookSecretEnc: before.webhookSecretEnc,
      rolledFromId: old.id,
      expiresAt: new Date(now.getTime() + 10 * DAY),
    });
    expect(rolled.oldKeyExpiresAt).toEqual(now);
    const [rolledAudit] = await auditOf(old.id, "key.rolled");
    expect(rolledAudit?.metadata).toEqual({
      rolledToId: rolled.id,
      rolledToPrefix: rolled.prefix,
      gracePeriod: "now",
    });
    expect(rolledAudit?.after).toMatchObject({ expiresAt: now.toISOString() });
    const [createdAudit] = await auditOf(rolled.id, "key.created");
    expect(createdAudit?.metadata).toEqual({
      rolledFromId: old.id,
      rolledFromPrefix: before.prefix,
    });

    await setPolicy(by, { maxLifetimeDays: 7 });
    const again = await roll(by, rolled.id, "now", now);
    expect((await keyRow(again.id)).expiresAt).toEqual(new Date(now.getTime() + 7 * DAY));
    const forever = await createTestKey(by, {
      expiresAt: new Date(now.getTime() + 6 * DAY),
      allowedIps: [],
    });
    await setRow(forever.id, { expiresAt: null });
    const bounded = await roll(by, forever.id, "now", now);
    expect((await keyRow(bounded.id)).expiresAt).toEqual(new Date(now.getTime() + 7 * DAY));
    const short = await createTestKey(by, { expiresAt: new Date(now.getTime() + 2 * DAY) });
    await setRow(short.id, { createdAt: now });
    const kept = await roll(by, short.id, "now", now);
    expect((await keyRow(kept.id)).expiresAt).toEqual(new Date(now.getTime() + 2 * DAY));
  });

  it("leaves a key without expiry and without a policy limit without expiry", async () => {
    const by = await newOrg();
    const old = await createTestKey(by);
    const rolled = await roll(by, old.id, "1h", new Date(Date.now() + 1000));
    expect((await keyRow(rolled.id)).expiresAt).toBeNull();
  });

  it("rolls only active keys of the organization", async () => {
    const by = await newOrg();
    const other = await newOrg();
    const now = new Date(Date.now() + 1000);
    const disabled = await createTestKey(by);
    await changeKeyStatus(getDb(), by, [disabled.id], "disable");
    await expect(roll(by, disabled.id, "1h", now)).rejects.toMatchObject({
      code: "invalid_transition",
      message: "Only an active key can be rolled.",
    });
    const expiring = await createTestKey(by, { expiresAt: new Date(now.getTime() + HOUR) });
    await expect(roll(by, expiring.id, "1h", new Date(now.getTime() + HOUR))).rejects.toMatchObject(
      { code: "invalid_transition" },
    );
    await expect(roll(other, expiring.id, "1h", now)).rejects.toMatchObject({
      code: "not_found",
      message: "This key does not exist.",
    });
  });
});

describe("webhook secrets", () => {
  it("replaces the secret of a key with a webhook, and refuses the others", async () => {
    const by = await newOrg();
    const other = await newOrg();
    const hooked = await createTestKey(by, { webhookUrl });
    const before = (await keyRow(hooked.id)).webhookSecretEnc;
    const { webhookSecret } = await regenerateWebhookSecret(getDb(), by, hooked.id);
    expect(webhookSecret).toMatch(/.{16,}/);
    expect((await keyRow(hooked.id)).webhookSecretEnc).not.toBe(before);
    expect((await auditOf(hooked.id)).map((a) => a.action)).toContain(
      "key.webhook_secret_regenerated",
    );

    const plain = await createTestKey(by);
    await expect(regenerateWebhookSecret(getDb(), by, plain.id)).rejects.toMatchObject({
      code: "invalid_transition",
      message: "This key has no webhook URL.",
    });
    await expect(regenerateWebhookSecret(getDb(), other, hooked.id)).rejects.toMatchObject({
      code: "not_found",
      message: "This key does not exist.",
    });
    await changeKeyStatus(getDb(), by, [hooked.id], "revoke");
    await expect(regenerateWebhookSecret(getDb(), by, hooked.id)).rejects.toMatchObject({
      code: "invalid_transition",
      message: "A revoked key cannot be changed.",
    });
  });
});

describe("the idle-key sweep", () => {
  it("leaves alone expired keys, disabled keys and keys an admin touched since", async () => {
    const by = await newOrg();
    await setPolicy(by, { disableUnusedAfterDays: 30 });
    const now = new Date(Date.now() + 31 * DAY);
    const idle = await createTestKey(by, { name: "Idle" });
    const expired = await createTestKey(by, { name: "Expired" });
    await setRow(expired.id, { expiresAt: new Date(now.getTime() - 1000) });
    const lasting = await createTestKey(by, { name: "Lasting" });
    await setRow(lasting.id, { expiresAt: new Date(now.getTime() + DAY) });
    const disabled = await createTestKey(by, { name: "Disabled" });
    await changeKeyStatus(getDb(), by, [disabled.id], "disable");
    const touched = await createTestKey(by, { name: "Touched" });
    await setRow(touched.id, { updatedAt: new Date(now.getTime() - 29 * DAY) });

    const swept = (await disableIdleKeys(getDb(), now)).map((k) => k.id).sort();
    expect(swept).toEqual([idle.id, lasting.id].sort());
    expect(await keyRow(idle.id)).toMatchObject({
      status: "disabled",
      disabledAt: now,
      updatedAt: now,
      disabledReason: "inactive",
    });
    expect((await keyRow(expired.id)).status).toBe("active");
    expect((await keyRow(touched.id)).status).toBe("active");
    expect((await keyRow(disabled.id)).disabledReason).toBeNull();
    const [audit] = await auditOf(idle.id, "key.disabled");
    expect(audit).toMatchObject({
      actorLabel: "Key policy",
      actorUserId: null,
      metadata: { reason: "inactive", unusedDays: 30 },
    });
    expect(audit?.before).toMatchObject({ status: "active" });
    expect(audit?.after).toMatchObject({ status: "disabled" });
  });
});

describe("the key policy", () => {
  it("saves a change with an audit row, and nothing for the same policy", async () => {
    const by = await newOrg();
    const audits = () =>
      getDb()
        .select()
        .from(auditLogs)
        .where(
          and(
            eq(auditLogs.organizationId, by.organizationId),
            eq(auditLogs.action, "policy.updated"),
          ),
        );
    expect(await setPolicy(by, {})).toEqual({ changed: false });
    expect(await audits()).toHaveLength(0);
    expect(await setPolicy(by, { leakAction: "notify" })).toEqual({ changed: true });
    expect(await setPolicy(by, { leakAction: "notify" })).toEqual({ changed: false });
    const rows = await audits();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.before).toMatchObject({ leakAction: "disable" });
    expect(rows[0]?.after).toMatchObject({ leakAction: "notify" });
  });
});
