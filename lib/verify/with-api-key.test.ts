import { decide } from "@latchkey/verify/decide";
import type { RateLimitState } from "@latchkey/verify/ports";
import { keyRecord } from "@latchkey/verify/test-records";
import type { VerifyResult } from "@latchkey/verify/verifier";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateApiKey } from "@/lib/keys/format";
import { setVerifyRuntime, type VerifyRuntime } from "./runtime";
import {
  describeError,
  endpointOf,
  rateLimitHeaders,
  readCredential,
  withApiKey,
} from "./with-api-key";

const ID = "0b6f8a52-3c1e-4d7a-9f00-1a2b3c4d5e6f";

describe("readCredential", () => {
  const read = (headers: Record<string, string>) => readCredential(new Headers(headers));

  it("prefers X-API-Key, trimmed, and falls back to a Bearer token", () => {
    expect(read({ "x-api-key": " lk_a ", authorization: "Bearer lk_b" })).toBe("lk_a");
    expect(read({ "x-api-key": "  ", authorization: "Bearer lk_b" })).toBe("lk_b");
    expect(read({ authorization: "bearer   lk_b  " })).toBe("lk_b");
  });

  it("trims whatever a header source hands it", () => {
    const from = (values: Record<string, string>) => ({
      get: (name: string) => values[name] ?? null,
    });
    expect(readCredential(from({ "x-api-key": " lk_a\t" }))).toBe("lk_a");
    expect(readCredential(from({ "x-api-key": " ", authorization: "Bearer lk_b  " }))).toBe("lk_b");
  });

  it("takes nothing from other schemes or malformed Bearer headers", () => {
    for (const authorization of [
      "Basic lk_b",
      "Bearer",
      "Bearer a b",
      "xBearer lk_b",
      "Bearerlk_b",
    ]) {
      expect(read({ authorization }), authorization).toBeUndefined();
    }
    expect(read({})).toBeUndefined();
  });
});

describe("endpointOf", () => {
  it("replaces ids, in any case, by {id} and leaves other segments alone", () => {
    expect(endpointOf(`/api/v1/customers/${ID}`)).toBe("/api/v1/customers/{id}");
    expect(endpointOf(`/api/v1/customers/${ID.toUpperCase()}/notes`)).toBe(
      "/api/v1/customers/{id}/notes",
    );
    expect(endpointOf("/api/v1/me")).toBe("/api/v1/me");
    for (const notId of [`x${ID}`, `${ID}x`, ID.replaceAll("-", ""), ID.replace("a", "g")]) {
      expect(endpointOf(`/c/${notId}`), notId).toBe(`/c/${notId}`);
    }
    // Remembered: the same answer the second time.
    expect(endpointOf(`/api/v1/customers/${ID}`)).toBe("/api/v1/customers/{id}");
  });

  it("starts its memo over after 5000 distinct paths, still answering correctly", () => {
    for (let i = 0; i < 6000; i++) expect(endpointOf(`/p/${i}/${ID}`)).toBe(`/p/${i}/{id}`);
  });
});

describe("describeError", () => {
  it("gives the stack and up to three causes, masking keys", () => {
    const { key } = generateApiKey("lk", "live");
    const inner = new Error(`bad key ${key}`);
    const error = new Error("outer", { cause: new Error("middle", { cause: inner }) });
    const text = describeError(error);
    expect(text).toContain("Error: outer");
    expect(text).toContain("\nCaused by: Error: middle");
    expect(text).toContain("\nCaused by: Error: bad key");
    expect(text).not.toContain(key);
    const deep = [1, 2, 3, 4, 5].reduce<unknown>(
      (cause, n) => new Error(`e${n}`, { cause }),
      "root",
    );
    const parts = describeError(deep).split("\nCaused by: ");
    expect(parts.map((p) => p.split("\n")[0])).toEqual([
      "Error: e5",
      "Error: e4",
      "Error: e3",
      "Error: e2",
    ]);
  });

  it("describes non-errors and errors without a stack", () => {
    expect(describeError("plain")).toBe("plain");
    const bare = new TypeError("no stack");
    bare.stack = undefined;
    expect(
      describeError(new Error("x", { cause: bare })).endsWith("Caused by: TypeError: no stack"),
    ).toBe(true);
  });
});

describe("rateLimitHeaders", () => {
  it("names the limit, what remains and the seconds to reset", () => {
    expect(rateLimitHeaders({ limit: 5, remaining: 2, reset: 30 })).toEqual({
      "RateLimit-Limit": "5",
      "RateLimit-Remaining": "2",
      "RateLimit-Reset": "30",
    });
  });
});

describe("withApiKey", () => {
  const rateLimit: RateLimitState = { limit: 5, remaining: 2, reset: 30 };
  const record = vi.fn();
  let verify: (request: unknown) => Promise<VerifyResult>;
  const runtime = {
    verifier: { verify: (r: unknown) => verify(r) },
    usage: { record },
  } as unknown as VerifyRuntime;
  runtime.decide = (request) => decide(runtime, request);
  setVerifyRuntime(runtime);
  afterEach(() => record.mockReset());

  const request = (path = "/api/v1/me", headers: Record<string, string> = {}) =>
    new NextRequest(new URL(path, "http://localhost"), { method: "PATCH", headers });
  const params = <P>(p: P) => ({ params: Promise.resolve(p) });

  it("hands the verified key, its organization and the params to the handler, with rate-limit headers", async () => {
    const key = keyRecord({ scopes: ["customers:read"], expiresAt: 123 });
    const seen: unknown[] = [];
    verify = async (r) => {
      seen.push(r);
      return { ok: true, key, rateLimit, credits: null };
    };
    const route = withApiKey<{ id: string }>(
      async (_req, ctx) => Response.json(ctx, { status: 201 }),
      { scopes: ["customers:read"] },
    );
    const res = await route(
      request(`/api/v1/customers/${ID}`, {
        "x-api-key": "lk_k",
        "x-latchkey-client-ip": "10.0.0.1",
      }),
      params({ id: ID }),
    );
    expect(seen).toEqual([
      { key: "lk_k", requiredScopes: ["customers:read"], clientIp: "10.0.0.1" },
    ]);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      key: {
        id: "k1",
        name: "Key",
        environment: "live",
        scopes: ["customers:read"],
        expiresAt: 123,
        organizationId: "o1",
      },
      organization: { id: "o1", name: "Acme" },
      params: { id: ID },
    });
    expect(Object.fromEntries(res.headers)).toMatchObject({
      "ratelimit-limit": "5",
      "ratelimit-remaining": "2",
      "ratelimit-reset": "30",
    });
    expect(record).toHaveBeenCalledTimes(1);
    const usage = record.mock.calls[0]?.[0];
    expect(usage).toMatchObject({
      keyId: "k1",
      organizationId: "o1",
      method: "PATCH",
      endpoint: "/api/v1/customers/{id}",
      status: 201,
      verified: true,
      scopes: ["customers:read"],
    });
    expect(usage.durationMs).toBeGreaterThanOrEqual(0);
    expect(usage.durationMs).toBeLessThan(10_000);
    expect(Math.abs(usage.at - Date.now())).toBeLessThan(10_000);
  });

  it("adds no rate-limit headers when the key has no limit state", async () => {
    verify = async () => ({ ok: true, key: keyRecord(), rateLimit: null, credits: null });
    const res = await withApiKey(async () => new Response("ok"))(request(), params({}));
    expect(res.headers.has("ratelimit-limit")).toBe(false);
  });

  it("answers a refusal itself, with rate-limit headers, and Retry-After only for 429", async () => {
    const handler = vi.fn(async () => new Response("ok"));
    verify = async () => ({
      ok: false,
      status: 429,
      code: "rate_limited",
      detail: "slow down",
      key: keyRecord(),
      rateLimit: { limit: 5, remaining: 0, reset: 30 },
    });
    const limited = await withApiKey(handler, { scopes: ["customers:read"] })(
      request(),
      params({}),
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toContain("application/problem+json");
    expect(await limited.json()).toMatchObject({ code: "rate_limited", detail: "slow down" });
    expect(Object.fromEntries(limited.headers)).toMatchObject({
      "ratelimit-limit": "5",
      "ratelimit-remaining": "0",
      "ratelimit-reset": "30",
      "retry-after": "30",
    });
    // Counted against the key, but not as a request its scopes were needed for.
    expect(record.mock.calls[0]?.[0]).toMatchObject({
      status: 429,
      verified: false,
      scopes: undefined,
    });

    verify = async () => ({
      ok: false,
      status: 403,
      code: "insufficient_scope",
      detail: "no",
      key: keyRecord(),
      rateLimit,
    });
    const forbidden = await withApiKey(handler)(request(), params({}));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("ratelimit-remaining")).toBe("2");
    expect(forbidden.headers.has("retry-after")).toBe(false);
    expect(handler).not.toHaveBeenCalled();
  });

  it("records nothing for a request whose key was not identified", async () => {
    verify = async () => ({ ok: false, status: 401, code: "invalid_key", detail: "no" });
    const res = await withApiKey(async () => new Response("ok"))(request(), params({}));
    expect(res.status).toBe(401);
    expect(res.headers.has("ratelimit-limit")).toBe(false);
    expect(record).not.toHaveBeenCalled();
  });

  it("answers 500 when the handler throws, logging it", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    verify = async () => ({ ok: true, key: keyRecord(), rateLimit, credits: null });
    const res = await withApiKey(async () => {
      throw new Error("boom");
    })(request(), params({}));
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({
      code: "internal_error",
      detail: "Something went wrong on our side.",
    });
    expect(res.headers.get("ratelimit-limit")).toBe("5");
    expect(String(error.mock.calls[0]?.[1])).toContain("Error: boom");
    expect(record.mock.calls[0]?.[0]).toMatchObject({ status: 500, verified: true });
    error.mockRestore();
  });
});
