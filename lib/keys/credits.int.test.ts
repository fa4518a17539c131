import { periodOf } from "@latchkey/verify/credits/period";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, listen } from "@/db";
import { KEY_CHANGED_CHANNEL } from "@/db/queries/api-keys";
import { apiKeys, webhookDeliveries } from "@/db/schema";
import { hashApiKey } from "@/lib/keys/format";
import type { Actor } from "@/lib/keys/service/audit";
import { rollKey } from "@/lib/keys/service/roll";
import { updateKey } from "@/lib/keys/service/update";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { auditOf, keyRow, setKeyRow } from "@/tests/key-rows";

const db = withTestDatabase();

const webhookUrl = "https://hooks.example.com/latchkey";

async function newOrg(): Promise<Actor> {
  const { org, owner } = await createOrg("Credits Co");
  return { organizationId: org.id, userId: owner.id, label: "owner" };
}
const setRow = setKeyRow;
const credits = async (id: string) => {
  const row = await keyRow(id);
  return {
    usageLimit: row.usageLimit,
    usageRefill: row.usageRefill,
    usageRemaining: row.usageRemaining,
    usagePeriod: row.usagePeriod,
    usageVersion: row.usageVersion,
  };
};
const today = () => periodOf("daily", Date.now());
const thisMonth = () => periodOf("monthly", Date.now());

describe("a new key's credits", () => {
  it("start full in the current period, at version 0, and are in the audit row", async () => {
    const by = await newOrg();
    const key = await createTestKey(by, { usageLimit: 5, usageRefill: "daily" });
    expect(await credits(key.id)).toEqual({
      usageLimit: 5,
      usageRefill: "daily",
      usageRemaining: 5,
      usagePeriod: today(),
      usageVersion: 0,
    });
    const [created] = await auditOf(key.id, "key.created");
    expect(created?.after).toMatchObject({
      usageLimit: 5,
      usageRefill: "daily",
      usageRemaining: 5,
    });

    const monthly = await createTestKey(by, { usageLimit: 1_000, usageRefill: "monthly" });
    expect(await credits(monthly.id)).toMatchObject({ usagePeriod: thisMonth() });
    const plain = await createTestKey(by);
    expect(await credits(plain.id)).toEqual({
      usageLimit: null,
      usageRefill: "never",
      usageRemaining: null,
      usagePeriod: 0,
      usageVersion: 0,
    });
  });

  it("refuses a refill without a limit, creating nothing", async () => {
    const by = await newOrg();
    await expect(createTestKey(by, { usageRefill: "daily" })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { usageRefill: ["Set a usage limit to refill it."] },
    });
    expect(
      await getDb().select().from(apiKeys).where(eq(apiKeys.organizationId, by.organizationId)),
    ).toEqual([]);
  });
});

describe("changing a key's credits", () => {
  it("moves what is left by the new limit's difference and bumps the version each time", async () => {
    const by = await newOrg();
    const key = await createTestKey(by, { usageLimit: 10 });
    // Seven spent by the engine.
    await setRow(key.id, { usageRemaining: 3 });

    expect(await updateKey(getDb(), by, key.id, { usageLimit: 15 })).toMatchObject({
      changed: true,
    });
    expect(await credits(key.id)).toMatchObject({
      usageLimit: 15,
      usageRemaining: 8,
      usageVersion: 1,
    });
    await updateKey(getDb(), by, key.id, { usageLimit: 2 });
    expect(await credits(key.id)).toMatchObject({
      usageLimit: 2,
      usageRemaining: 0,
      usageVersion: 2,
    });
    await updateKey(getDb(), by, key.id, { usageLimit: null });
    expect(await credits(key.id)).toEqual({
      usageLimit: null,
      usageRefill: "never",
      usageRemaining: null,
      usagePeriod: 0,
      usageVersion: 3,
    });
    await updateKey(getDb(), by, key.id, { usageLimit: 40, usageRefill: "monthly" });
    expect(await credits(key.id)).toEqual({
      usageLimit: 40,
      usageRefill: "monthly",
      usageRemaining: 40,
      usagePeriod: thisMonth(),
      usageVersion: 4,
    });
  });

  it("puts a new refill in its current period, keeping what is left", async () => {
    const by = await newOrg();
    const key = await createTestKey(by, { usageLimit: 10 });
    await setRow(key.id, { usageRemaining: 4 });
    await updateKey(getDb(), by, key.id, { usageRefill: "daily" });
    expect(await credits(key.id)).toMatchObject({
      usageRefill: "daily",
      usageRemaining: 4,
      usagePeriod: today(),
      usageVersion: 1,
    });
    await updateKey(getDb(), by, key.id, { usageRefill: "never" });
    expect(await credits(key.id)).toMatchObject({ usagePeriod: 0, usageVersion: 2 });
  });

  it("tops up to the number given, in the current period even when a refill was due", async () => {
    const by = await newOrg();
    const key = await createTestKey(by, { usageLimit: 10, usageRefill: "daily" });
    await setRow(key.id, { usageRemaining: 0, usagePeriod: today() - 2 });
    await updateKey(getDb(), by, key.id, { usageRemaining: 25 });
    // Written in today's period: a refill that was due cannot undo the top-up.
    expect(await credits(key.id)).toMatchObject({
      usageLimit: 10,
      usageRemaining: 25,
      usagePeriod: today(),
      usageVersion: 1,
    });
    // The audit trail tells it as the admin saw it: the refill had given the key its 10 again.
    const [audit] = await auditOf(key.id, "key.updated");
    expect(audit?.before).toMatchObject({ usageRemaining: 10 });
    expect(audit?.after).toMatchObject({ usageRemaining: 25 });
    await updateKey(getDb(), by, key.id, { usageRemaining: 0 });
    expect(await credits(key.id)).toMatchObject({ usageRemaining: 0, usageVersion: 2 });
  });

  it("audits the change like any other, and names the fields in the webhook", async () => {
    const by = await newOrg();
    const key = await createTestKey(by, { usageLimit: 10, webhookUrl });
    await setRow(key.id, { usageRemaining: 6 });
    await updateKey(getDb(), by, key.id, { usageLimit: 20, usageRefill: "monthly" });
    const [updated] = await auditOf(key.id, "key.updated");
    expect(updated).toMatchObject({
      actorUserId: by.userId,
      before: { usageLimit: 10, usageRefill: "never", usageRemaining: 6 },
      after: { usageLimit: 20, usageRefill: "monthly", usageRemaining: 16 },
    });
    await updateKey(getDb(), by, key.id, { usageRemaining: 100 });
    const topUp = (await auditOf(key.id, "key.updated"))[1];
    expect(topUp?.before).toMatchObject({ usageRemaining: 16 });
    expect(topUp?.after).toMatchObject({ usageRemaining: 100 });
    const events = await getDb()
      .select({ payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(
        and(eq(webhookDeliveries.keyId, key.id), eq(webhookDeliveries.eventType, "key.updated")),
      );
    const changes = events
      .map((e) => (e.payload as { data: { changes: string[] } }).data.changes)
      .sort((a, b) => b.length - a.length);
    expect(changes).toEqual([["usageLimit", "usageRefill", "usageRemaining"], ["usageRemaining"]]);
  });

  it("changes nothing, version included, when the values stay", async () => {
    const by = await newOrg();
    const key = await createTestKey(by, { usageLimit: 10, usageRefill: "daily" });
    const before = await keyRow(key.id);
    expect(
      await updateKey(getDb(), by, key.id, {
        usageLimit: 10,
        usageRefill: "daily",
        usageRemaining: 10,
      }),
    ).toEqual({ changed: false, status: "active" });
    expect(await keyRow(key.id)).toEqual(before);
    expect((await auditOf(key.id)).map((a) => a.action)).toEqual(["key.created"]);
  });

  it("refuses a refill or a top-up on a key without a limit, writing nothing", async () => {
    const by = await newOrg();
    const key = await createTestKey(by);
    const before = await keyRow(key.id);
    await expect(
      updateKey(getDb(), by, key.id, { name: "Renamed", usageRefill: "daily" }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: "Set a usage limit to refill it.",
      fieldErrors: { usageRefill: ["Set a usage limit to refill it."] },
    });
    await expect(updateKey(getDb(), by, key.id, { usageRemaining: 5 })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { usageRemaining: [expect.stringContaining("no usage limit")] },
    });
    const daily = await createTestKey(by, { usageLimit: 5, usageRefill: "daily" });
    await expect(updateKey(getDb(), by, daily.id, { usageLimit: null })).rejects.toMatchObject({
      fieldErrors: { usageRefill: ["Set a usage limit to refill it."] },
    });
    expect(await keyRow(key.id)).toEqual(before);
    expect((await credits(daily.id)).usageLimit).toBe(5);
    expect((await auditOf(key.id)).map((a) => a.action)).toEqual(["key.created"]);
  });

  it("announces the change on commit, so every instance drops the cached key", async () => {
    const by = await newOrg();
    const key = await createTestKey(by, { usageLimit: 10 });
    const heard: string[] = [];
    const stop = await listen(
      KEY_CHANGED_CHANNEL,
      (hash) => heard.push(hash),
      undefined,
      db.client(),
    );
    try {
      await updateKey(getDb(), by, key.id, { usageRemaining: 3 });
      await expect.poll(() => heard).toEqual([hashApiKey(key.key)]);
    } finally {
      await stop();
    }
  });

  it("leaves other organizations' keys alone, and a key's credits to keys holding its scopes", async () => {
    const by = await newOrg();
    const other = await newOrg();
    const theirs = await createTestKey(other, { usageLimit: 10 });
    const before = await keyRow(theirs.id);
    await expect(
      updateKey(getDb(), by, theirs.id, { usageRemaining: 1_000 }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(await keyRow(theirs.id)).toEqual(before);

    const strong = await createTestKey(by, {
      scopes: ["customers:read", "customers:write"],
      usageLimit: 10,
    });
    const weak = await createTestKey(by, { scopes: ["api_keys:write", "customers:read"] });
    const asWeak: Actor = { ...by, userId: null, keyId: weak.id, label: "key" };
    await expect(
      updateKey(getDb(), asWeak, strong.id, { usageRemaining: 1_000 }),
    ).rejects.toMatchObject({ code: "insufficient_scope" });
    expect((await credits(strong.id)).usageRemaining).toBe(10);
    const peer = await createTestKey(by, { scopes: ["customers:read"], usageLimit: 10 });
    await updateKey(getDb(), asWeak, peer.id, { usageRemaining: 50 });
    expect((await credits(peer.id)).usageRemaining).toBe(50);
  });
});

describe("rolling a key with a usage limit", () => {
  it("gives the new key the limit and what is left, not a fresh limit; the old key keeps its own", async () => {
    const by = await newOrg();
    const old = await createTestKey(by, { usageLimit: 10, usageRefill: "daily" });
    await setRow(old.id, { usageRemaining: 3, usageVersion: 4 });
    const rolled = await rollKey(getDb(), by, old.id, "1h", "lk", new Date(Date.now() + 1000));
    expect(await credits(rolled.id)).toEqual({
      usageLimit: 10,
      usageRefill: "daily",
      usageRemaining: 3,
      usagePeriod: today(),
      usageVersion: 0,
    });
    expect(await credits(old.id)).toMatchObject({ usageRemaining: 3, usageVersion: 4 });

    // A refill that came due before the roll is carried as it is: the engine refills either key.
    const stale = await createTestKey(by, { usageLimit: 7, usageRefill: "daily" });
    await setRow(stale.id, { usageRemaining: 0, usagePeriod: today() - 1 });
    const next = await rollKey(getDb(), by, stale.id, "now", "lk", new Date(Date.now() + 1000));
    expect(await credits(next.id)).toMatchObject({ usageRemaining: 0, usagePeriod: today() - 1 });
  });
});
