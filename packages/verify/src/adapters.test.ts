import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expressApiKey } from "./express.ts";
import { withApiKey } from "./fetch.ts";
import { generateApiKey } from "./key-format.ts";
import { UNAVAILABLE, type Verdict, type VerifyInput } from "./verdict.ts";
import type { LatchkeyVerifier, Outcome } from "./verifier-api.ts";

const verdict = (patch: Partial<Verdict> = {}): Verdict => ({
  valid: true,
  code: "valid",
  keyId: "k1",
  organizationId: "o1",
  name: "Key",
  scopes: ["customers:read"],
  environment: "live",
  expiresAt: null,
  rateLimit: { limit: 600, remaining: 599, reset: 60 },
  credits: null,
  ...patch,
});

/** A verifier answering `outcome`, remembering what it was asked. */
function fakeVerifier(outcome: Outcome) {
  const calls: VerifyInput[] = [];
  const verifier: LatchkeyVerifier = {
    verify: vi.fn(async (input: VerifyInput) => {
      calls.push(input);
      return outcome;
    }),
    close: async () => {},
  };
  return { verifier, calls };
}

const { key } = generateApiKey("lk", "live");
const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function expressApp(outcome: Outcome, options: { trustProxy?: boolean } = {}) {
  const { verifier, calls } = fakeVerifier(outcome);
  const app = express();
  if (options.trustProxy) app.set("trust proxy", true);
  const router = express.Router();
  router.get(
    "/things/:id",
    expressApiKey(verifier, { scopes: ["customers:read"], cost: 3 }),
    (req, res) => {
      res.json({ name: req.apiKey?.name });
    },
  );
  app.use("/v1", router);
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, calls };
}

describe("expressApiKey", () => {
  it("lets an allowed key through with its verdict, limit headers, route pattern and socket IP", async () => {
    const { base, calls } = await expressApp(
      verdict({
        credits: { limit: 10, remaining: 7, refill: "never", refillsAt: null },
      }),
    );
    const response = await fetch(`${base}/v1/things/123?x=1`, {
      headers: { "x-api-key": key, "x-forwarded-for": "203.0.113.9" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: "Key" });
    expect(response.headers.get("ratelimit-remaining")).toBe("599");
    expect(response.headers.get("usage-limit")).toBe("10");
    expect(response.headers.get("usage-remaining")).toBe("7");
    expect(calls).toEqual([
      {
        key,
        scopes: ["customers:read"],
        clientIp: "127.0.0.1",
        endpoint: "GET /v1/things/:id",
        cost: 3,
      },
    ]);
  });

  it("takes Express's req.ip only when trust proxy is set", async () => {
    const { base, calls } = await expressApp(verdict(), { trustProxy: true });
    await fetch(`${base}/v1/things/1`, {
      headers: { authorization: `Bearer ${key}`, "x-forwarded-for": "203.0.113.9" },
    });
    expect(calls[0]?.clientIp).toBe("203.0.113.9");
  });

  it("answers refusals itself with Latchkey's problem+json, statuses and headers", async () => {
    const cases: [Outcome, number, string][] = [
      [verdict({ valid: false, code: "key_disabled" }), 401, "key_disabled"],
      [
        verdict({ valid: false, code: "insufficient_scope", scopes: [] }),
        403,
        "insufficient_scope",
      ],
      [verdict({ valid: false, code: "ip_not_allowed" }), 403, "ip_not_allowed"],
      [
        verdict({
          valid: false,
          code: "rate_limited",
          rateLimit: { limit: 5, remaining: 0, reset: 42 },
        }),
        429,
        "rate_limited",
      ],
      [UNAVAILABLE, 503, "verification_unavailable"],
    ];
    for (const [outcome, status, code] of cases) {
      const { base } = await expressApp(outcome);
      const response = await fetch(`${base}/v1/things/1`, { headers: { "x-api-key": key } });
      expect(response.status, code).toBe(status);
      expect(response.headers.get("content-type"), code).toContain("application/problem+json");
      const body = await response.json();
      expect(body, code).toMatchObject({ status, code, type: `/docs/api#error-${code}` });
      if (code === "insufficient_scope") expect(body.detail).toContain("customers:read");
      if (code === "rate_limited") {
        expect(response.headers.get("retry-after")).toBe("42");
        expect(response.headers.get("ratelimit-limit")).toBe("5");
        expect(body.detail).toContain("5 requests per minute");
      }
    }
  });

  it("refuses a request without a key before asking the verifier", async () => {
    const { base, calls } = await expressApp(verdict());
    const response = await fetch(`${base}/v1/things/1`);
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe("missing_key");
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(calls).toHaveLength(0);
  });
});

describe("withApiKey (fetch handlers)", () => {
  it("runs the handler with the verdict and adds the limit headers", async () => {
    const { verifier, calls } = fakeVerifier(
      verdict({ credits: { limit: 5, remaining: 4, refill: "daily", refillsAt: null } }),
    );
    const handler = withApiKey(
      verifier,
      (_req, { apiKey }) => Response.json({ id: apiKey.keyId }),
      {
        scopes: ["customers:read"],
        clientIp: () => "198.51.100.7",
      },
    );
    const response = await handler(
      new Request("http://svc/v1/things/42/parts/6f1c1a0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", {
        headers: { "x-api-key": key },
      }),
    );
    expect(await response.json()).toEqual({ id: "k1" });
    expect(response.headers.get("usage-remaining")).toBe("4");
    expect(calls[0]).toMatchObject({
      clientIp: "198.51.100.7",
      endpoint: "GET /v1/things/{id}/parts/{id}",
    });
  });

  it("records the route pattern when given, and answers usage_exceeded with Retry-After until the refill", async () => {
    const refillsAt = new Date(Date.now() + 90_000).toISOString();
    const { verifier, calls } = fakeVerifier(
      verdict({
        valid: false,
        code: "usage_exceeded",
        credits: { limit: 5, remaining: 0, refill: "daily", refillsAt },
      }),
    );
    const handler = withApiKey(verifier, () => new Response("never"), { route: "/v1/things/:id" });
    const response = await handler(
      new Request("http://svc/v1/things/9", { method: "POST", headers: { "x-api-key": key } }),
    );
    expect(response.status).toBe(429);
    expect((await response.json()).code).toBe("usage_exceeded");
    const retry = Number(response.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(85);
    expect(retry).toBeLessThanOrEqual(90);
    expect(response.headers.get("usage-remaining")).toBe("0");
    expect(calls[0]?.endpoint).toBe("POST /v1/things/:id");
  });

  it("gives no Retry-After for used-up credits that never refill", async () => {
    const { verifier } = fakeVerifier(
      verdict({
        valid: false,
        code: "usage_exceeded",
        credits: { limit: 5, remaining: 0, refill: "never", refillsAt: null },
      }),
    );
    const response = await withApiKey(
      verifier,
      () => new Response(),
    )(new Request("http://svc/x", { headers: { "x-api-key": key } }));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBeNull();
  });
});
