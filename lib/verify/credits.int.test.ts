/**
 * Credits through the whole decision: withApiKey, the verify route and several runtimes sharing
 * Redis or only PostgreSQL. N parallel requests against R credits allow exactly min(N, R).
 */

import { periodOf, type UsageRefill } from "@latchkey/verify/credits/period";
import { eq, sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as verifyKey } from "@/app/api/v1/keys/verify/route";
import { GET as me } from "@/app/api/v1/me/route";
import { getDb } from "@/db";
import { notifyKeysChanged } from "@/db/queries/api-keys";
import { apiKeys, webhookDeliveries } from "@/db/schema";
import type { Actor } from "@/lib/keys/service/audit";
import {
  type CreditsMode,
  createAppVerifyRuntime,
  setVerifyRuntime,
  type VerifyRuntime,
} from "@/lib/verify/runtime";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";

withTestDatabase();

const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";
let actor: Actor;
let redis: Redis;
const runtimes: VerifyRuntime[] = [];

beforeAll(async () => {
  const acme = await createOrg("Acme");
  actor = { organizationId: acme.org.id, userId: acme.owner.id, label: "owner" };
  redis = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await Promise.all(runtimes.map((rt) => rt.stop().catch(() => {})));
  setVerifyRuntime(undefined);
  redis.disconnect();
});

async function runtime(mode: CreditsMode, now?: () => number): Promise<VerifyRuntime> {
  const rt = createAppVerifyRuntime({
    defaultRateLimitPerMinute: 100_000,
    flushMs: 600_000,
    heartbeatMs: 200,
    creditsMode: mode,
    redis: mode === "redis" ? new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 }) : undefined,
    now,
  });
  await rt.start();
  runtimes.push(rt);
  return rt;
}

/** A key with `limit` credits, as an admin would set them (version bumped, period current). */
async function limitedKey(limit: number, refill: UsageRefill = "never", at = Date.now()) {
  const created = await createTestKey(actor, { scopes: ["customers:read"] });
  await getDb()
    .update(apiKeys)
    .set({
      usageLimit: limit,
      usageRemaining: limit,
      usageRefill: refill,
      usagePeriod: periodOf(refill, at),
      usageVersion: sql`${apiKeys.usageVersion} + 1`,
    })
    .where(eq(apiKeys.id, created.id));
  return created;
}

/** An admin's top-up: remaining set, version bumped, every instance told. */
async function topUp(id: string, remaining: number) {
  const [row] = await getDb()
    .update(apiKeys)
    .set({ usageRemaining: remaining, usageVersion: sql`${apiKeys.usageVersion} + 1` })
    .where(eq(apiKeys.id, id))
    .returning({ hash: apiKeys.hash });
  await notifyKeysChanged(getDb(), [row?.hash as string]);
}

const decideOn = (rt: VerifyRuntime, key: string, cost?: number) =>
  rt.decide({
    key,
    clientIp: "127.0.0.1",
    method: "GET",
    endpoint: "/v1/things",
    cost,
  });

/** `n` decisions at once, spread round-robin over the runtimes; how many were allowed. */
async function burst(rts: VerifyRuntime[], key: string, n: number) {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => decideOn(rts[i % rts.length] as VerifyRuntime, key)),
  );
  const codes = results.map(({ result }) => (result.ok ? "valid" : result.code));
  return {
    allowed: codes.filter((c) => c === "valid").length,
    refused: codes.filter((c) => c === "usage_exceeded").length,
    other: codes.filter((c) => c !== "valid" && c !== "usage_exceeded"),
  };
}

describe.each([
  ["memory", 1],
  ["lease", 1],
  ["lease", 3],
  ["redis", 3],
] as const)("credits in %s mode, %i instance(s)", (mode, instances) => {
  let rts: VerifyRuntime[];
  beforeAll(async () => {
    rts = await Promise.all(Array.from({ length: instances }, () => runtime(mode)));
  });

  it("allows exactly 10 of 50 parallel requests against 10 credits, and refuses the rest", async () => {
    const { key } = await limitedKey(10);
    expect(await burst(rts, key, 50)).toEqual({ allowed: 10, refused: 40, other: [] });
    expect(await burst(rts, key, 5)).toEqual({ allowed: 0, refused: 5, other: [] });
  });

  it("applies a top-up to the next request on every instance", async () => {
    const { id, key } = await limitedKey(2);
    expect((await burst(rts, key, 10)).allowed).toBe(2);
    const epochs = rts.map((rt) => rt.verifier.cache.epoch);
    await topUp(id, 3 * instances);
    // The change reaches each instance over LISTEN/NOTIFY, like a revocation.
    await expect
      .poll(() => rts.every((rt, i) => rt.verifier.cache.epoch > (epochs[i] as number)))
      .toBe(true);
    for (const rt of rts) {
      expect((await decideOn(rt, key)).result).toMatchObject({ ok: true });
    }
    expect(await burst(rts, key, 20)).toMatchObject({ allowed: 2 * instances, other: [] });
  });

  // Memory mode writes back on flush only: a crash can give back what was spent since (README).
  it.skipIf(mode === "memory")(
    "never grants more than the limit when instances crash and others take over",
    async () => {
      const { key } = await limitedKey(30);
      const first = await burst(rts, key, 7);
      // Dropped without stop(): whatever they held is gone with them.
      const crashed = await Promise.all(Array.from({ length: instances }, () => runtime(mode)));
      const second = await burst(crashed, key, 100);
      expect(first.allowed + second.allowed).toBeLessThanOrEqual(30);
      expect(first.allowed).toBe(7);
      // Lease mode may strand at most one lease per instance; Redis strands nothing.
      if (mode === "redis") expect(first.allowed + second.allowed).toBe(30);
      else expect(first.allowed + second.allowed).toBeGreaterThanOrEqual(30 - instances * 3);
    },
  );
});

describe("refill", () => {
  it("refills once per period across instances at the UTC day boundary", async () => {
    let now = Date.UTC(2030, 0, 1, 23, 59, 59, 900);
    const clock = () => now;
    const rts = await Promise.all([runtime("lease", clock), runtime("lease", clock)]);
    const { key } = await limitedKey(4, "daily", now);
    expect((await burst(rts, key, 10)).allowed).toBe(4);
    now += 200; // the next UTC day
    expect((await burst(rts, key, 20)).allowed).toBe(4);
    expect((await burst(rts, key, 5)).allowed).toBe(0);
  });
});

describe("answers", () => {
  let rt: VerifyRuntime;
  beforeAll(async () => {
    rt = await runtime("lease");
    setVerifyRuntime(rt);
  });

  it("adds Usage-Limit and Usage-Remaining to allowed responses, and answers 429 usage_exceeded", async () => {
    const { key } = await limitedKey(2, "daily");
    const first = await call(me, { key });
    expect(first.status).toBe(200);
    expect(first.headers.get("usage-limit")).toBe("2");
    expect(first.headers.get("usage-remaining")).toBe("1");
    expect((await call(me, { key })).headers.get("usage-remaining")).toBe("0");
    const refused = await call(me, { key });
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ code: "usage_exceeded", status: 429 });
    expect(refused.headers.get("usage-remaining")).toBe("0");
    // A daily refill is due at the next UTC midnight: Retry-After says when.
    const untilMidnight = Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1000);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(Math.abs(retryAfter - untilMidnight)).toBeLessThanOrEqual(2);
  });

  it("gives no Retry-After when the credits never refill, and none of the limit headers without a limit", async () => {
    const { key } = await limitedKey(1);
    await call(me, { key });
    const refused = await call(me, { key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeNull();
    const { key: unlimited } = await createTestKey(actor);
    const plain = await call(me, { key: unlimited });
    expect(plain.headers.get("usage-limit")).toBeNull();
  });

  it("spends nothing for a request refused for another reason", async () => {
    const { key: limited } = await limitedKey(1);
    // me needs no scope; the verify route checks the scopes asked for.
    const caller = await createTestKey(actor, { scopes: ["keys:verify"] });
    for (let i = 0; i < 3; i++) {
      const res = await call(verifyKey, {
        method: "POST",
        path: "/api/v1/keys/verify",
        key: caller.key,
        body: { key: limited, scopes: ["customers:write"] },
      });
      expect(res.json).toMatchObject({ valid: false, code: "insufficient_scope" });
    }
    const allowed = await call(verifyKey, {
      method: "POST",
      path: "/api/v1/keys/verify",
      key: caller.key,
      body: { key: limited, cost: 1 },
    });
    expect(allowed.json).toMatchObject({
      valid: true,
      credits: { limit: 1, remaining: 0, refill: "never", refillsAt: null },
    });
    const spent = await call(verifyKey, {
      method: "POST",
      path: "/api/v1/keys/verify",
      key: caller.key,
      body: { key: limited },
    });
    expect(spent.json).toMatchObject({ valid: false, code: "usage_exceeded" });
  });

  it("spends the route's cost, and a cost of 0 never refuses", async () => {
    const { key } = await limitedKey(5);
    expect((await decideOn(rt, key, 3)).result).toMatchObject({
      ok: true,
      credits: { remaining: 2 },
    });
    expect((await decideOn(rt, key, 3)).result).toMatchObject({
      ok: false,
      code: "usage_exceeded",
    });
    expect((await decideOn(rt, key, 2)).result).toMatchObject({
      ok: true,
      credits: { remaining: 0 },
    });
    expect((await decideOn(rt, key, 0)).result).toMatchObject({ ok: true });
  });

  it("queues key.usage_exceeded at most once per key and refill period", async () => {
    const created = await limitedKey(1);
    await getDb()
      .update(apiKeys)
      .set({ webhookUrl: "https://hooks.example.com/latchkey" })
      .where(eq(apiKeys.id, created.id));
    for (let i = 0; i < 4; i++) (await decideOn(rt, created.key)).record(429);
    await rt.usage.flush();
    for (let i = 0; i < 2; i++) (await decideOn(rt, created.key)).record(429);
    await rt.usage.flush();
    const events = await getDb()
      .select({ type: webhookDeliveries.eventType, payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.keyId, created.id));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "key.usage_exceeded",
      payload: { type: "key.usage_exceeded", data: { keyId: created.id, usageLimit: 1 } },
    });
  });

  it("fails closed (503) when the credits cannot be counted", async () => {
    const broken = createAppVerifyRuntime({
      defaultRateLimitPerMinute: 600,
      flushMs: 600_000,
      credits: {
        spend: async () => {
          throw new Error("connection refused");
        },
        flush: async () => {},
        close: async () => {},
      },
    });
    const { key } = await limitedKey(5);
    expect((await decideOn(broken, key)).result).toMatchObject({
      ok: false,
      status: 503,
      code: "verification_unavailable",
    });
    const { key: unlimited } = await createTestKey(actor);
    expect((await decideOn(broken, unlimited)).result).toMatchObject({ ok: true });
  });
});
