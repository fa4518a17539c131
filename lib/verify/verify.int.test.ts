import { connect, createServer, type Server, type Socket } from "node:net";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as getCustomers, POST as postCustomer } from "@/app/api/v1/customers/route";
import { GET as health } from "@/app/api/v1/health/route";
import { POST as verifyKey } from "@/app/api/v1/keys/verify/route";
import { GET as me } from "@/app/api/v1/me/route";
import {
  createPgliteClient,
  createPostgresClient,
  type DbClient,
  getClient,
  getDb,
  setClient,
  setQueryObserver,
} from "@/db";
import { apiKeys, apiKeyUsage } from "@/db/schema";
import type { CreateKeyInput } from "@/lib/keys/schemas";
import type { Actor } from "@/lib/keys/service/audit";
import { changeKeyStatus } from "@/lib/keys/service/status";
import { updateKey } from "@/lib/keys/service/update";
import { createAppVerifyRuntime, setVerifyRuntime, type VerifyRuntime } from "@/lib/verify/runtime";
import { withApiKey } from "@/lib/verify/with-api-key";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";

withTestDatabase();

let actor: Actor;
let otherActor: Actor;
let runtime: VerifyRuntime;

const newKey = (patch: Partial<CreateKeyInput> = {}, by: Actor = actor) => createTestKey(by, patch);

async function useRuntime(options: Partial<Parameters<typeof createAppVerifyRuntime>[0]> = {}) {
  const rt = createAppVerifyRuntime({
    defaultRateLimitPerMinute: 600,
    flushMs: 60_000,
    ...options,
  });
  await rt.start();
  setVerifyRuntime(rt);
  return rt;
}

beforeAll(async () => {
  const acme = await createOrg("Acme");
  const rival = await createOrg("Rival");
  actor = { organizationId: acme.org.id, userId: acme.owner.id, label: "owner" };
  otherActor = { organizationId: rival.org.id, userId: rival.owner.id, label: "rival" };
  runtime = await useRuntime({ heartbeatMs: 200 });
});

afterAll(async () => {
  await runtime.stop();
  setVerifyRuntime(undefined);
});

describe("public API verification", () => {
  it("serves /health without a key", async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("accepts X-API-Key and Authorization: Bearer, with RateLimit headers", async () => {
    const { key, id } = await newKey({ name: "Me key", environment: "test" });
    for (const res of [await call(me, { key }), await call(me, { bearer: key })]) {
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        key: { id, name: "Me key", environment: "test", scopes: ["customers:read"] },
        organization: { id: actor.organizationId, name: "Acme" },
      });
      expect(res.headers.get("ratelimit-limit")).toBe("600");
      expect(Number(res.headers.get("ratelimit-remaining"))).toBeLessThan(600);
      expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
    }
  });

  it("answers every refusal as problem+json with the contract's status and code", async () => {
    const expectProblem = (res: Awaited<ReturnType<typeof call>>, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.json).toMatchObject({
        status,
        code,
        type: expect.any(String),
        title: expect.any(String),
        detail: expect.any(String),
      });
      if (status === 401) expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    };
    expectProblem(await call(me), 401, "missing_key");
    expectProblem(
      await call(me, { headers: { authorization: "Basic dXNlcjpwYXNz" } }),
      401,
      "missing_key",
    );
    expectProblem(await call(me, { key: "lk_live_garbage" }), 401, "invalid_key");
    const { key } = await newKey();
    const flipped = key.slice(0, 20) + (key[20] === "a" ? "b" : "a") + key.slice(21);
    expectProblem(await call(me, { key: flipped }), 401, "invalid_key");
    const unknown = (await newKey()).key;
    await getDb()
      .delete(apiKeys)
      .where(eq(apiKeys.prefix, unknown.slice(0, 12)));
    expectProblem(await call(me, { key: unknown }), 401, "invalid_key");

    expectProblem(
      await call(postCustomer, {
        key,
        method: "POST",
        path: "/api/v1/customers",
        body: { name: "A", email: "a@b.co" },
      }),
      403,
      "insufficient_scope",
    );

    const limited = await newKey({ allowedIps: ["203.0.113.0/24"] });
    expectProblem(await call(me, { key: limited.key, ip: "198.51.100.1" }), 403, "ip_not_allowed");

    const disabled = await newKey();
    await changeKeyStatus(getDb(), actor, [disabled.id], "disable");
    expectProblem(await call(me, { key: disabled.key }), 401, "key_disabled");
    const revoked = await newKey();
    await changeKeyStatus(getDb(), actor, [revoked.id], "revoke");
    expectProblem(await call(me, { key: revoked.key }), 401, "key_revoked");
    const expired = await newKey();
    await getDb()
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiKeys.id, expired.id));
    expectProblem(await call(me, { key: expired.key }), 401, "key_expired");

    const tight = await newKey({ rateLimitPerMinute: 1 });
    expect((await call(me, { key: tight.key })).status).toBe(200);
    const limitedRes = await call(me, { key: tight.key });
    expectProblem(limitedRes, 429, "rate_limited");
    expect(Number(limitedRes.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limitedRes.headers.get("ratelimit-remaining")).toBe("0");
  });

  it("sees status changes at once through LISTEN/NOTIFY, with a warm cache", async () => {
    const { key, id } = await newKey();
    expect((await call(me, { key })).status).toBe(200);
    await changeKeyStatus(getDb(), actor, [id], "disable");
    await vi.waitFor(async () => expect((await call(me, { key })).json.code).toBe("key_disabled"), {
      timeout: 1000,
      interval: 20,
    });
    await changeKeyStatus(getDb(), actor, [id], "enable");
    await vi.waitFor(async () => expect((await call(me, { key })).status).toBe(200), {
      timeout: 1000,
      interval: 20,
    });
    await updateKey(getDb(), actor, id, { scopes: ["customers:write"] });
    await vi.waitFor(
      async () =>
        expect((await call(getCustomers, { key, path: "/api/v1/customers" })).json.code).toBe(
          "insufficient_scope",
        ),
      { timeout: 1000, interval: 20 },
    );
    await changeKeyStatus(getDb(), actor, [id], "revoke");
    await vi.waitFor(async () => expect((await call(me, { key })).json.code).toBe("key_revoked"), {
      timeout: 1000,
      interval: 20,
    });
  });

  it("expires a key exactly at expiresAt", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    let now = expiresAt.getTime() - 1;
    const rt = createAppVerifyRuntime({
      defaultRateLimitPerMinute: 600,
      flushMs: 60_000,
      now: () => now,
    });
    setVerifyRuntime(rt);
    try {
      const { key } = await newKey({ expiresAt });
      expect((await call(me, { key })).status).toBe(200);
      now = expiresAt.getTime();
      // Cached or not, the expiry is checked against the clock on every request.
      expect((await call(me, { key })).json.code).toBe("key_expired");
    } finally {
      await rt.stop();
      setVerifyRuntime(runtime);
    }
  });

  it("answers 500 when a handler fails, logging the error with stack and cause but never the key", async () => {
    const { key } = await newKey();
    const failing = withApiKey(async () => {
      throw new Error(`upstream refused ${key}`, { cause: new Error("ECONNRESET by peer") });
    });
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await call(failing, { key });
      expect(res.status).toBe(500);
      expect(res.json).toMatchObject({ code: "internal_error" });
      const logged = log.mock.calls.map((args) => args.join(" ")).join("\n");
      expect(logged).toContain("upstream refused");
      expect(logged).toContain("ECONNRESET by peer");
      expect(logged).toContain("verify.int.test.ts");
      expect(logged).not.toContain(key);
    } finally {
      log.mockRestore();
    }
  });

  it("matches CIDR allowlists for IPv4 and IPv6, and believes only the client IP server.ts sets", async () => {
    const { key } = await newKey({
      allowedIps: ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"],
    });
    for (const ip of [
      "203.0.113.1",
      "203.0.113.254",
      "::ffff:203.0.113.9",
      "2001:db8::1",
      "2001:db8:ffff::1",
      "198.51.100.7",
    ]) {
      expect((await call(me, { key, ip })).status, ip).toBe(200);
    }
    for (const ip of ["203.0.114.1", "198.51.100.8", "2001:db9::1", "::1"]) {
      expect((await call(me, { key, ip })).json.code, ip).toBe("ip_not_allowed");
    }
    // A forged X-Forwarded-For changes nothing: only the socket-derived header counts.
    const forged = await call(me, {
      key,
      ip: "198.51.100.99",
      headers: { "x-forwarded-for": "203.0.113.5", "x-real-ip": "203.0.113.5" },
    });
    expect(forged.json.code).toBe("ip_not_allowed");
  });

  it("makes zero database queries for a bad checksum, and one lookup per unknown hash", async () => {
    const queries: string[] = [];
    setQueryObserver((q) => queries.push(q));
    try {
      const { key } = await newKey();
      queries.length = 0;
      const bad = `${key.slice(0, -6)}000000`;
      for (let i = 0; i < 20; i++)
        expect((await call(me, { key: bad })).json.code).toBe("invalid_key");
      expect(queries).toHaveLength(0);

      const unknown = (await newKey()).key;
      await getDb()
        .delete(apiKeys)
        .where(eq(apiKeys.prefix, unknown.slice(0, 12)));
      queries.length = 0;
      for (let i = 0; i < 20; i++)
        expect((await call(me, { key: unknown })).json.code).toBe("invalid_key");
      expect(queries.filter((q) => /\bapi_keys\b/.test(q))).toHaveLength(1);
    } finally {
      setQueryObserver(undefined);
    }
  });
});

const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";

/** A connected client for the Redis case, or null when no Redis answers within a second. */
async function connectRedis(): Promise<Redis | null> {
  const redis = new Redis(REDIS_TEST_URL, {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    return null;
  }
}

describe("rate limits", () => {
  const exactness = async (rt: VerifyRuntime) => {
    setVerifyRuntime(rt);
    try {
      const { key } = await newKey({ rateLimitPerMinute: 5 });
      const remaining: (string | null)[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await call(me, { key });
        expect(res.status).toBe(200);
        remaining.push(res.headers.get("ratelimit-remaining"));
      }
      expect(remaining).toEqual(["4", "3", "2", "1", "0"]);
      const refused = await call(me, { key });
      expect(refused.status).toBe(429);
      const wait = Number(refused.headers.get("retry-after"));
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(2);
      // The store keeps its own time: poll until the window rolls over, then the budget is whole.
      await expect
        .poll(
          async () => {
            const res = await call(me, { key });
            return res.status === 200 ? res.headers.get("ratelimit-remaining") : res.status;
          },
          { timeout: (wait + 2) * 1000, interval: 100 },
        )
        .toBe("4");
    } finally {
      await rt.stop();
      setVerifyRuntime(runtime);
    }
  };

  it("allows N, refuses N+1 and resets after the window (memory store)", async () => {
    await exactness(
      createAppVerifyRuntime({ defaultRateLimitPerMinute: 600, flushMs: 60_000, windowSeconds: 2 }),
    );
  });

  it("allows N, refuses N+1 and resets after the window (Redis store, shared by instances)", async (ctx) => {
    const redis = await connectRedis();
    if (!redis) {
      return ctx.skip(
        `Redis is not reachable at ${REDIS_TEST_URL}: start it or set REDIS_TEST_URL to run this case.`,
      );
    }
    try {
      await exactness(
        createAppVerifyRuntime({
          defaultRateLimitPerMinute: 600,
          flushMs: 60_000,
          windowSeconds: 2,
          redis,
        }),
      );
      // Two instances on one Redis share a key's budget.
      const a = createAppVerifyRuntime({
        defaultRateLimitPerMinute: 600,
        flushMs: 60_000,
        windowSeconds: 2,
        redis,
      });
      const b = createAppVerifyRuntime({
        defaultRateLimitPerMinute: 600,
        flushMs: 60_000,
        windowSeconds: 2,
        redis,
      });
      const { key } = await newKey({ rateLimitPerMinute: 2 });
      setVerifyRuntime(a);
      expect((await call(me, { key })).status).toBe(200);
      setVerifyRuntime(b);
      expect((await call(me, { key })).status).toBe(200);
      expect((await call(me, { key })).status).toBe(429);
      await a.stop();
      await b.stop();
    } finally {
      setVerifyRuntime(runtime);
      redis.disconnect();
    }
  });
});

describe("usage", () => {
  it("buffers requests and writes exact counts and last use in one flush", async () => {
    const rt = await useRuntime({ flushMs: 300 });
    try {
      const { key, id } = await newKey({ scopes: ["customers:read"] });
      for (let i = 0; i < 7; i++) expect((await call(me, { key })).status).toBe(200);
      for (let i = 0; i < 3; i++)
        expect((await call(getCustomers, { key, path: "/api/v1/customers" })).status).toBe(200);
      for (let i = 0; i < 2; i++) {
        expect(
          (await call(postCustomer, { key, method: "POST", path: "/api/v1/customers", body: {} }))
            .status,
        ).toBe(403);
      }
      const [before] = await getDb()
        .select({ lastUsedAt: apiKeys.lastUsedAt })
        .from(apiKeys)
        .where(eq(apiKeys.id, id));
      expect(before?.lastUsedAt).toBeNull();
      await vi.waitFor(
        async () => {
          const rows = await getDb().select().from(apiKeyUsage).where(eq(apiKeyUsage.keyId, id));
          const by = Object.fromEntries(
            rows.map((r) => [`${r.method} ${r.endpoint} ${r.statusClass}`, r.requests]),
          );
          expect(by).toEqual({
            "GET /api/v1/me 200": 7,
            "GET /api/v1/customers 200": 3,
            "POST /api/v1/customers 400": 2,
          });
        },
        { timeout: 3000, interval: 100 },
      );
      const [after] = await getDb()
        .select({ lastUsedAt: apiKeys.lastUsedAt })
        .from(apiKeys)
        .where(eq(apiKeys.id, id));
      expect(after?.lastUsedAt?.getTime()).toBeGreaterThan(Date.now() - 10_000);
    } finally {
      await rt.stop();
      setVerifyRuntime(runtime);
    }
  });

  it("flushes what is left when stopped (the SIGTERM path) and keeps counts across failed flushes", async () => {
    const rt = await useRuntime({ flushMs: 600_000 });
    const { key, id } = await newKey();
    for (let i = 0; i < 4; i++) await call(me, { key });
    expect(rt.usage.pending).toBe(1);
    await rt.stop();
    setVerifyRuntime(runtime);
    const rows = await getDb().select().from(apiKeyUsage).where(eq(apiKeyUsage.keyId, id));
    expect(rows.map((r) => r.requests)).toEqual([4]);
  });
});

describe("customers and the verify endpoint", () => {
  it("creates and lists customers of the key's organization only", async () => {
    const { key } = await newKey({ scopes: ["customers:read", "customers:write"] });
    const rival = await newKey({ scopes: ["customers:read", "customers:write"] }, otherActor);
    // An organization id in the body is refused outright (unknown field), never obeyed.
    const smuggled = await call(postCustomer, {
      key,
      method: "POST",
      path: "/api/v1/customers",
      body: {
        name: "Grace",
        email: "Grace@Example.com",
        organizationId: otherActor.organizationId,
      },
    });
    expect(smuggled.json).toMatchObject({ status: 400, code: "validation_failed" });
    const created = await call(postCustomer, {
      key,
      method: "POST",
      path: "/api/v1/customers",
      body: { name: "Grace", email: "Grace@Example.com" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "Grace", email: "grace@example.com" });
    const bad = await call(postCustomer, {
      key,
      method: "POST",
      path: "/api/v1/customers",
      body: { name: "", email: "nope" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: "validation_failed", errors: expect.any(Array) });
    const notJson = await call(postCustomer, {
      key,
      method: "POST",
      path: "/api/v1/customers",
      body: "{oops",
    });
    expect(notJson.json).toMatchObject({ status: 400, code: "invalid_body" });
    const mine = await call(getCustomers, { key, path: "/api/v1/customers" });
    expect((mine.json.data as { name: string }[]).map((c) => c.name)).toContain("Grace");
    const theirs = await call(getCustomers, { key: rival.key, path: "/api/v1/customers" });
    expect(theirs.json.data).toEqual([]);
  });

  it("verifies keys of the caller's organization for other services", async () => {
    const verifier = await newKey({ scopes: ["keys:verify"] });
    const target = await newKey({
      scopes: ["customers:read"],
      environment: "test",
      allowedIps: ["10.0.0.0/8"],
    });
    const revoked = await newKey();
    await changeKeyStatus(getDb(), actor, [revoked.id], "revoke");
    const foreign = await newKey({}, otherActor);
    const v = (k: string, extra: Record<string, unknown> = {}) =>
      call(verifyKey, {
        key: verifier.key,
        method: "POST",
        path: "/api/v1/keys/verify",
        body: { key: k, ...extra },
      });
    expect((await v(target.key, { clientIp: "10.2.3.4" })).json).toEqual({
      valid: true,
      code: "valid",
      keyId: target.id,
      organizationId: actor.organizationId,
      name: "Test key",
      scopes: ["customers:read"],
      environment: "test",
      expiresAt: null,
      rateLimit: { limit: 600, remaining: 599, reset: expect.any(Number) },
      credits: null,
    });
    // The allowlist fails closed: no client address, or one outside it.
    expect((await v(target.key)).json).toMatchObject({ valid: false, code: "ip_not_allowed" });
    expect((await v(target.key, { clientIp: "192.168.0.1" })).json).toMatchObject({
      code: "ip_not_allowed",
    });
    expect((await v(revoked.key)).json).toMatchObject({
      valid: false,
      code: "key_revoked",
      keyId: revoked.id,
    });
    expect((await v(foreign.key)).json).toMatchObject({
      valid: false,
      code: "invalid_key",
      keyId: null,
    });
    expect((await v("garbage")).json).toMatchObject({ valid: false, code: "invalid_key" });
    const noScope = await call(verifyKey, {
      key: target.key,
      ip: "10.1.1.1",
      method: "POST",
      path: "/api/v1/keys/verify",
      body: { key: target.key },
    });
    expect(noScope.json.code).toBe("insufficient_scope");
  });
});

describe("fail closed", () => {
  it("answers 503 while the database is unreachable, then recovers", async () => {
    const { key } = await newKey();
    const original = getClient();
    const rt = await useRuntime();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      if (original.kind === "postgres") {
        // A TCP hop we can cut, in front of the real PostgreSQL server.
        const target = new URL(process.env.DATABASE_URL as string);
        const sockets = new Set<Socket>();
        let proxy: Server = createServer();
        const start = (port = 0) =>
          new Promise<number>((resolve) => {
            proxy = createServer((client) => {
              const upstream = connect(Number(target.port || 5432), target.hostname);
              sockets.add(client).add(upstream);
              client.pipe(upstream).pipe(client);
              const drop = () => {
                client.destroy();
                upstream.destroy();
              };
              client.on("error", drop).on("close", drop);
              upstream.on("error", drop).on("close", drop);
            });
            proxy.listen(port, "127.0.0.1", () =>
              resolve((proxy.address() as { port: number }).port),
            );
          });
        const port = await start();
        const dbName = (original.sql.options as { database: string }).database;
        const viaProxy = createPostgresClient(`postgres://postgres@127.0.0.1:${port}/${dbName}`, 2);
        setClient(viaProxy);
        expect((await call(me, { key })).status).toBe(200);
        rt.verifier.cache.clear();
        const closed = new Promise<void>((r) => proxy.close(() => r()));
        for (const s of sockets) s.destroy();
        await closed;
        const down = await call(me, { key });
        expect(down.status).toBe(503);
        expect(down.json.code).toBe("verification_unavailable");
        await start(port);
        await vi.waitFor(async () => expect((await call(me, { key })).status).toBe(200), {
          timeout: 10_000,
          interval: 200,
        });
        await rt.stop();
        setClient(original);
        const stopped = new Promise<void>((r) => proxy.close(() => r()));
        for (const s of sockets) s.destroy();
        await viaProxy.close().catch(() => {});
        await stopped;
      } else {
        // PGlite: the database goes away (closed), then comes back from its data.
        const dump = await original.pg.dumpDataDir("none");
        rt.verifier.cache.clear();
        const closed = createPgliteClient();
        await closed.close();
        setClient(closed as DbClient);
        const down = await call(me, { key });
        expect(down.status).toBe(503);
        expect(down.json.code).toBe("verification_unavailable");
        const { PGlite } = await import("@electric-sql/pglite");
        const back = new PGlite({ loadDataDir: dump });
        setClient({ kind: "pglite", pg: back, close: () => back.close() });
        expect((await call(me, { key })).status).toBe(200);
        await rt.stop();
        setClient(original);
        await back.close();
      }
      expect(errors.mock.calls.flat().join(" ")).not.toContain(key);
    } finally {
      errors.mockRestore();
      setVerifyRuntime(runtime);
    }
  });
});
