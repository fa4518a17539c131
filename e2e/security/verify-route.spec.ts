import { expect, test } from "@playwright/test";
import { createKeyOverHttp, signUpOverHttp } from "./accounts";
import { type SpawnedServer, startServer } from "./server";
import { type TcpProxy, tcpProxy } from "./tcp-proxy";

/**
 * POST /api/v1/keys/verify over real HTTP against production servers: the same contract whether
 * server.ts answers it (the fast path) or Next's route handler does (VERIFY_FAST_PATH=off). Each
 * server reaches PostgreSQL through a TCP relay the last test cuts.
 */
test.skip(
  !process.env.DATABASE_URL,
  "needs DATABASE_URL: the spawned servers share the database, and PGlite cannot be shared",
);

// Each mode on a server of its own, on a free port (other specs spawn servers at the same time).
const MODES = [
  { name: "fast path", env: { VERIFY_FAST_PATH: "on" } },
  { name: "Next route", env: { VERIFY_FAST_PATH: "off" } },
];

type Json = Record<string, unknown>;

for (const mode of MODES) {
  test.describe(`verify route (${mode.name})`, () => {
    test.describe.configure({ mode: "serial", timeout: 180_000 });

    let server: SpawnedServer;
    let proxy: TcpProxy;
    let admin: string;
    let caller: string;

    const call = (path: string, init: RequestInit & { key?: string } = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: {
          ...(init.key ? { "X-API-Key": init.key } : {}),
          ...(init.headers as Record<string, string>),
        },
        signal: AbortSignal.timeout(15_000),
      });
    const verify = async (body: unknown, callerKey = caller) => {
      const res = await call("/api/v1/keys/verify", {
        method: "POST",
        key: callerKey,
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { res, json: (await res.json()) as Json };
    };
    /** A protected route of the app's own, needing customers:read. */
    const protectedCall = async (key: string) => {
      const res = await call("/api/v1/customers", { key });
      return { res, json: (await res.json()) as Json };
    };
    const newKey = async (body: Json = {}) => {
      const res = await call("/api/v1/api-keys", {
        method: "POST",
        key: admin,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "checked", scopes: ["customers:read"], ...body }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { id: string; key: string };
    };

    test.beforeAll(async () => {
      test.setTimeout(180_000);
      const url = new URL(process.env.DATABASE_URL as string);
      proxy = await tcpProxy(Number(url.port || 5432), url.hostname);
      url.host = `127.0.0.1:${proxy.port}`;
      server = await startServer({
        DATABASE_URL: url.toString(),
        USAGE_FLUSH_MS: "500",
        ...mode.env,
      });
      const owner = await signUpOverHttp(server.url, "verify");
      admin = (
        await createKeyOverHttp(owner, [
          "api_keys:read",
          "api_keys:write",
          "customers:write",
          "customers:read",
          "keys:verify",
        ])
      ).key;
      caller = (await createKeyOverHttp(owner, ["keys:verify"], "Verifier")).key;
    });

    test.afterAll(async () => {
      await server?.stop();
      await proxy?.close();
    });

    test("every refusal code equals what a protected route answers for the same key and request", async () => {
      const disabled = await newKey();
      await call(`/api/v1/api-keys/${disabled.id}`, {
        method: "PATCH",
        key: admin,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ status: "disabled" }),
      });
      const revoked = await newKey();
      await call(`/api/v1/api-keys/${revoked.id}`, { method: "DELETE", key: admin });
      const expired = await newKey({ expiresAt: new Date(Date.now() + 1500).toISOString() });
      const cases: [string, string, string][] = [
        ["valid", (await newKey()).key, "valid"],
        ["garbage", "lk_live_notakey", "invalid_key"],
        ["unknown", `${disabled.key.slice(0, 12)}${"A".repeat(32)}`, "invalid_key"],
        ["disabled", disabled.key, "key_disabled"],
        ["revoked", revoked.key, "key_revoked"],
        ["expired", expired.key, "key_expired"],
        ["no scope", (await newKey({ scopes: ["customers:write"] })).key, "insufficient_scope"],
        ["outside allowlist", (await newKey({ allowedIps: ["10.0.0.0/8"] })).key, "ip_not_allowed"],
        ["inside allowlist", (await newKey({ allowedIps: ["127.0.0.1"] })).key, "valid"],
      ];
      await new Promise((r) => setTimeout(r, 1600));
      for (const [label, key, code] of cases) {
        // The app sees this test's requests from 127.0.0.1; the service says so in clientIp.
        const viaVerify = await verify({ key, scopes: ["customers:read"], clientIp: "127.0.0.1" });
        const viaRoute = await protectedCall(key);
        expect(viaVerify.res.status, label).toBe(200);
        expect(viaVerify.json.code, label).toBe(code);
        expect(viaVerify.json.valid, label).toBe(code === "valid");
        expect(viaRoute.res.status === 200 ? "valid" : viaRoute.json.code, label).toBe(code);
      }
      // Spent by both: a key with 2 requests a minute, one through each, then both refuse.
      const limited = (await newKey({ rateLimitPerMinute: 2 })).key;
      expect((await protectedCall(limited)).res.status).toBe(200);
      expect((await verify({ key: limited, clientIp: "127.0.0.1" })).json.code).toBe("valid");
      const refused = await protectedCall(limited);
      expect(refused.json.code).toBe("rate_limited");
      expect(refused.res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect((await verify({ key: limited })).json).toMatchObject({
        valid: false,
        code: "rate_limited",
        rateLimit: { limit: 2, remaining: 0 },
      });
    });

    test("the rate limit is spent exactly: N allowed and N+1 refused, however the requests arrive", async () => {
      const only = await newKey({ rateLimitPerMinute: 4 });
      const seen: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        const { json } = await verify({ key: only.key });
        seen.push([json.code, (json.rateLimit as Json).remaining]);
      }
      expect(seen).toEqual([
        ["valid", 3],
        ["valid", 2],
        ["valid", 1],
        ["valid", 0],
        ["rate_limited", 0],
      ]);

      // Half through the verify route, half through a protected route, all at once.
      const mixed = await newKey({ rateLimitPerMinute: 6 });
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 2
            ? verify({ key: mixed.key }).then(({ json }) => json.code)
            : protectedCall(mixed.key).then(({ res, json }) => (res.ok ? "valid" : json.code)),
        ),
      );
      expect(outcomes.filter((c) => c === "valid")).toHaveLength(6);
      expect(outcomes.filter((c) => c === "rate_limited")).toHaveLength(6);
    });

    test("the allowlist applies to clientIp, and a key with one fails closed without it", async () => {
      const { key } = await newKey({ allowedIps: ["10.0.0.0/8", "2001:db8::/32"] });
      const code = async (clientIp?: string) => (await verify({ key, clientIp })).json.code;
      expect(await code("10.20.30.40")).toBe("valid");
      expect(await code("2001:db8::1")).toBe("valid");
      expect(await code("192.168.1.1")).toBe("ip_not_allowed");
      expect(await code(undefined)).toBe("ip_not_allowed");
      // A key without an allowlist needs no address.
      expect((await verify({ key: (await newKey()).key })).json.code).toBe("valid");
    });

    test("usage and Last used are recorded under the endpoint given, visible in the key's stats", async () => {
      const checked = await newKey();
      for (let i = 0; i < 3; i++) {
        expect((await verify({ key: checked.key, endpoint: "GET /v1/things" })).json.valid).toBe(
          true,
        );
      }
      expect((await verify({ key: checked.key })).json.valid).toBe(true);
      await expect
        .poll(
          async () => {
            const res = await call(`/api/v1/api-keys/${checked.id}/stats?period=1h`, {
              key: admin,
            });
            return ((await res.json()) as { topEndpoints: Json[] }).topEndpoints;
          },
          { timeout: 20_000 },
        )
        .toEqual(
          expect.arrayContaining([
            { method: "GET", endpoint: "/v1/things", count: 3 },
            { method: "POST", endpoint: "/api/v1/keys/verify", count: 1 },
          ]),
        );
      const row = (await (
        await call(`/api/v1/api-keys/${checked.id}`, { key: admin })
      ).json()) as Json;
      expect(row.lastUsedAt).not.toBeNull();
    });

    test("another organization's key reads as invalid_key with null fields, and nothing of it is spent", async () => {
      const other = await signUpOverHttp(server.url, "verify-other");
      const theirs = await createKeyOverHttp(other, ["customers:read"], "Theirs", {
        rateLimitPerMinute: "1",
      });
      expect((await verify({ key: theirs.key })).json).toEqual({
        valid: false,
        code: "invalid_key",
        keyId: null,
        organizationId: null,
        name: null,
        scopes: [],
        environment: null,
        expiresAt: null,
        rateLimit: null,
        credits: null,
      });
      // Its one request a minute is still its own.
      expect((await protectedCall(theirs.key)).res.status).toBe(200);
    });

    test("a strict body: unknown fields, bad values, other media types and big bodies are problems", async () => {
      const { key } = await newKey();
      const problems: [string, unknown, number, string][] = [
        ["unknown field", { key, organizationId: "x" }, 400, "validation_failed"],
        ["cost too high", { key, cost: 1001 }, 400, "validation_failed"],
        ["endpoint with NUL", { key, endpoint: "GET /\u0000" }, 400, "validation_failed"],
        ["not an address", { key, clientIp: "nope" }, 400, "validation_failed"],
        ["not JSON", "{oops", 400, "invalid_body"],
        ["over 1 MiB", { key, endpoint: "x".repeat(1024 * 1024) }, 413, "payload_too_large"],
      ];
      for (const [label, body, status, code] of problems) {
        const { res, json } = await verify(body);
        expect([res.status, json.code], label).toEqual([status, code]);
        expect(res.headers.get("content-type"), label).toBe("application/problem+json");
      }
      const plain = await call("/api/v1/keys/verify", {
        method: "POST",
        key: caller,
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ key }),
      });
      expect(plain.status).toBe(415);
      const noCaller = await verify({ key }, "");
      expect([noCaller.res.status, noCaller.json.code]).toEqual([401, "missing_key"]);
      const wrongScope = await verify({ key }, key);
      expect([wrongScope.res.status, wrongScope.json.code]).toEqual([403, "insufficient_scope"]);
      const ok = await verify({ key, cost: 0 });
      expect(ok.json.valid).toBe(true);
      // The same security headers as every response Next serves.
      const health = await call("/api/v1/health");
      for (const name of [
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
        "content-security-policy",
      ]) {
        expect(ok.res.headers.get(name), name).toBe(health.headers.get(name));
      }
    });

    test("503 in the verdict's shape when the database is cut, then answers again", async () => {
      const fresh = await newKey();
      proxy.down();
      try {
        const down = await verify({ key: fresh.key });
        expect(down.res.status).toBe(503);
        expect(down.json).toEqual({ valid: false, code: "verification_unavailable" });
      } finally {
        proxy.up();
      }
      await expect
        .poll(async () => (await verify({ key: fresh.key })).json.code, { timeout: 30_000 })
        .toBe("valid");
    });
  });
}
