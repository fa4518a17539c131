import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { listKeys } from "@/db/queries/api-keys";
import {
  expiringKeys,
  keyStatusCounts,
  lowUsageKeys,
  orgTraffic,
  topKeys,
  unusedKeys,
} from "@/db/queries/dashboard";
import { countMembers } from "@/db/queries/memberships";
import { writeUsage } from "@/db/queries/usage";
import { apiKeys, type KeyStatus } from "@/db/schema";
import { withTestDatabase } from "@/tests/db";
import { createOrg } from "@/tests/factories";

withTestDatabase();

const now = new Date("2026-03-10T12:30:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const H = 3_600_000;
const D = 24 * H;

async function key(
  organizationId: string,
  name: string,
  extra: {
    status?: KeyStatus;
    expiresAt?: Date;
    lastUsedAt?: Date;
    createdAt?: Date;
  } & Partial<
    Pick<
      typeof apiKeys.$inferInsert,
      "usageLimit" | "usageRefill" | "usageRemaining" | "usagePeriod"
    >
  > = {},
) {
  const [row] = await getDb()
    .insert(apiKeys)
    .values({
      organizationId,
      name,
      environment: "live",
      prefix: `lk_live_${randomBytes(2).toString("hex")}`,
      hash: randomBytes(32).toString("hex"),
      scopes: ["customers:read"],
      createdAt: ago(90 * D),
      ...extra,
    })
    .returning({ id: apiKeys.id });
  if (!row) throw new Error("no key");
  return row.id;
}

/** Usage as the verifier's flush writes it: per minute and per day. */
function usage(
  keyId: string,
  organizationId: string,
  minute: Date,
  statusClass: number,
  requests: number,
) {
  return writeUsage(
    getDb(),
    [
      {
        keyId,
        organizationId,
        minute: minute.getTime(),
        method: "GET",
        endpoint: "/api/v1/me",
        statusClass,
        requests,
        totalMs: requests,
        scopes: [],
      },
    ],
    [],
  );
}

describe("overview queries", () => {
  let org: string;
  let rival: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const acme = await createOrg("Acme", ["admin", "member"]);
    org = acme.org.id;
    rival = (await createOrg("Rival")).org.id;
    ids.busy = await key(org, "Busy", { lastUsedAt: ago(H) });
    ids.quiet = await key(org, "Quiet", { lastUsedAt: ago(2 * H) });
    ids.soon = await key(org, "Soon", { expiresAt: new Date(now.getTime() + 3 * D) });
    ids.edge = await key(org, "Edge of week", {
      status: "disabled",
      expiresAt: new Date(now.getTime() + 7 * D),
      lastUsedAt: ago(31 * D),
    });
    ids.later = await key(org, "Later", {
      expiresAt: new Date(now.getTime() + 7 * D + 1000),
      createdAt: ago(D),
    });
    ids.expired = await key(org, "Expired", { expiresAt: ago(D) });
    ids.revoked = await key(org, "Revoked", {
      status: "revoked",
      expiresAt: new Date(now.getTime() + D),
    });
    ids.idle = await key(org, "Idle", { lastUsedAt: ago(40 * D) });
    ids.rivalKey = await key(rival, "Rival key", { expiresAt: new Date(now.getTime() + D) });

    // Inside 24 h: on the boundary minute, and in the current hour.
    await usage(ids.busy, org, ago(D), 200, 10);
    await usage(ids.busy, org, new Date("2026-03-10T12:29:00Z"), 200, 5);
    await usage(ids.busy, org, new Date("2026-03-10T12:29:00Z"), 500, 1);
    await usage(ids.quiet, org, new Date("2026-03-10T03:00:00Z"), 400, 4);
    // Outside 24 h, inside 7 d (boundary minute included), then outside both.
    await usage(ids.quiet, org, ago(D + 60_000), 200, 20);
    await usage(ids.quiet, org, ago(7 * D), 200, 7);
    await usage(ids.quiet, org, ago(7 * D + 60_000), 200, 1000);
    // Not yet happened at `now`, and another organization's traffic.
    await usage(ids.busy, org, new Date(now.getTime() + H), 200, 1000);
    await usage(ids.rivalKey, rival, ago(H), 200, 500);
  });

  it("counts keys by derived status: expired keys are not active", async () => {
    expect(await keyStatusCounts(getDb(), org, now)).toEqual({
      active: 5,
      disabled: 1,
      expired: 1,
      revoked: 1,
    });
    // A day later "Soon" has not expired yet; eight days later it and "Edge of week" have.
    expect(await keyStatusCounts(getDb(), org, new Date(now.getTime() + 8 * D))).toEqual({
      active: 3,
      disabled: 0,
      expired: 4,
      revoked: 1,
    });
  });

  it("sums requests and errors over 24 h (hourly) and 7 d (daily), exactly at the boundaries", async () => {
    const { last24h, last7d } = await orgTraffic(getDb(), org, now);
    expect(last24h).toMatchObject({ requests: 20, errors: 5, errorRate: 0.25 });
    expect(last24h.buckets).toHaveLength(25);
    expect(last24h.buckets[0]).toEqual({ at: "2026-03-09T12:00:00Z", requests: 10, errors: 0 });
    expect(last24h.buckets.at(-1)).toEqual({ at: "2026-03-10T12:00:00Z", requests: 6, errors: 1 });
    expect(last24h.buckets.find((b) => b.at === "2026-03-10T03:00:00Z")).toMatchObject({
      requests: 4,
      errors: 4,
    });

    expect(last7d).toMatchObject({ requests: 47, errors: 5 });
    expect(last7d.errorRate).toBeCloseTo(5 / 47);
    expect(last7d.buckets.map((b) => b.at)).toEqual([
      "2026-03-03",
      "2026-03-04",
      "2026-03-05",
      "2026-03-06",
      "2026-03-07",
      "2026-03-08",
      "2026-03-09",
      "2026-03-10",
    ]);
    expect(last7d.buckets[0]?.requests).toBe(7);
    expect(last7d.buckets.at(-2)?.requests).toBe(30);
    expect(last7d.buckets.at(-1)).toEqual({ at: "2026-03-10", requests: 10, errors: 5 });
  });

  it("has zero traffic and a zero error rate for an organization without requests", async () => {
    const empty = (await createOrg("Empty")).org.id;
    const { last24h, last7d } = await orgTraffic(getDb(), empty, now);
    expect(last24h).toMatchObject({ requests: 0, errors: 0, errorRate: 0 });
    expect(last7d.buckets.every((b) => b.requests === 0)).toBe(true);
  });

  it("ranks the most used keys over 7 days, of this organization only", async () => {
    const top = await topKeys(getDb(), org, now);
    expect(top.map((k) => [k.name, k.requests, k.errors])).toEqual([
      ["Quiet", 31, 4],
      ["Busy", 16, 1],
    ]);
    expect(await topKeys(getDb(), org, now, 1)).toHaveLength(1);
  });

  it("lists keys expiring within 7 days, soonest first, not revoked or expired", async () => {
    const { rows, total } = await expiringKeys(getDb(), org, now);
    expect(total).toBe(2);
    expect(rows.map((r) => r.name)).toEqual(["Soon", "Edge of week"]);
  });

  it("lists keys unused for 30+ days (never used counts from creation), longest idle first", async () => {
    const { rows, total } = await unusedKeys(getDb(), org, now);
    expect(rows.map((r) => r.name)).toEqual(["Soon", "Idle", "Edge of week"]);
    expect(total).toBe(3);
    expect((await unusedKeys(getDb(), org, now, 1)).total).toBe(3);
  });

  it("counts members of the organization only", async () => {
    expect(await countMembers(getDb(), org)).toBe(3);
  });

  it("filters the key list to the same keys as the banner counts", async () => {
    const fresh = (await createOrg("Fresh")).org.id;
    const real = new Date();
    const inDays = (d: number) => new Date(real.getTime() + d * D);
    await key(fresh, "In 2 days", { expiresAt: inDays(2) });
    await key(fresh, "In 6.9 days", { status: "disabled", expiresAt: inDays(6.9) });
    await key(fresh, "In 8 days", { expiresAt: inDays(8) });
    await key(fresh, "Revoked in 1 day", { status: "revoked", expiresAt: inDays(1) });
    await key(fresh, "Gone", { expiresAt: inDays(-1) });
    const listed = await listKeys(getDb(), fresh, { status: "expiring", sort: "name", dir: "asc" });
    const banner = await expiringKeys(getDb(), fresh, real);
    expect(listed.rows.map((r) => r.name)).toEqual(["In 2 days", "In 6.9 days"]);
    expect(banner.rows.map((r) => r.name)).toEqual(["In 2 days", "In 6.9 days"]);
    expect(listed.total).toBe(banner.total);
  });
});

describe("keys running out of usage", () => {
  it("lists keys with 10% or less of their limit left now, emptiest first, of this organization", async () => {
    const org = (await createOrg("Metered")).org.id;
    const rival = (await createOrg("Rival metered")).org.id;
    const today = Math.floor(now.getTime() / D);
    await key(org, "Unlimited");
    await key(org, "Plenty", { usageLimit: 100, usageRemaining: 11 });
    await key(org, "Tenth", { usageLimit: 100, usageRemaining: 10 });
    await key(org, "Empty", { usageLimit: 5, usageRemaining: 0 });
    await key(org, "Disabled empty", { status: "disabled", usageLimit: 5, usageRemaining: 0 });
    await key(org, "Revoked empty", { status: "revoked", usageLimit: 5, usageRemaining: 0 });
    await key(org, "Expired empty", { expiresAt: ago(D), usageLimit: 5, usageRemaining: 0 });
    // Spent yesterday, refilled today (the engine writes it on the next spend).
    await key(org, "Refilled", {
      usageLimit: 5,
      usageRemaining: 0,
      usageRefill: "daily",
      usagePeriod: today - 1,
    });
    await key(org, "Spent today", {
      usageLimit: 1000,
      usageRemaining: 3,
      usageRefill: "daily",
      usagePeriod: today,
    });
    await key(rival, "Rival empty", { usageLimit: 5, usageRemaining: 0 });

    const { rows, total } = await lowUsageKeys(getDb(), org, now);
    expect(rows.map((r) => r.name)).toEqual(["Disabled empty", "Empty", "Spent today", "Tenth"]);
    expect(total).toBe(4);
    expect(rows[2]).toMatchObject({ usageLimit: 1000, usageRemaining: 3, usageRefill: "daily" });
    const first = await lowUsageKeys(getDb(), org, now, 1);
    expect(first.rows).toHaveLength(1);
    expect(first.total).toBe(4);
  });
});
