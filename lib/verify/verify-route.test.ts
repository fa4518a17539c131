import { keyRecord } from "@latchkey/verify/test-records";
import { fakeRuntime } from "@latchkey/verify/test-runtime";
import { describe, expect, it, vi } from "vitest";
import { readBodyBytes } from "@/lib/api/body";
import { CLIENT_IP_HEADER } from "@/lib/net/client-ip";
import { answerVerify, usageName } from "./verify-route";

const CALLER = keyRecord({ id: "caller", name: "Billing service", scopes: ["keys:verify"] });

function setup(records = [keyRecord({ rateLimitPerMinute: 2 })], options = {}) {
  const fake = fakeRuntime([CALLER, ...records], options);
  const send = async (
    body: unknown,
    headers: Record<string, string> = {},
    callerKey = fake.keyOf("caller"),
  ) => {
    const request = new Request("http://localhost/api/v1/keys/verify", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": callerKey,
        [CLIENT_IP_HEADER]: "127.0.0.1",
        ...headers,
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const reply = await answerVerify(fake.runtime, {
      headers: request.headers,
      readBody: (limit) => readBodyBytes(request, limit),
    });
    return { ...reply, json: JSON.parse(reply.body) };
  };
  return { ...fake, send };
}

describe("answerVerify", () => {
  it("answers the verdict with the rate limit, and records both keys' usage", async () => {
    const { send, keyOf, recorded } = setup();
    const res = await send({ key: keyOf("k1"), endpoint: "GET /v1/things" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["RateLimit-Limit"]).toBe("600");
    expect(res.json).toEqual({
      valid: true,
      code: "valid",
      keyId: "k1",
      organizationId: "o1",
      name: "Key",
      scopes: ["customers:read"],
      environment: "live",
      expiresAt: null,
      rateLimit: { limit: 2, remaining: 1, reset: 60 },
      credits: null,
    });
    const events = recorded.mock.calls.map(([e]) => [e.keyId, e.method, e.endpoint, e.status]);
    expect(events).toEqual([
      ["k1", "GET", "/v1/things", 200],
      ["caller", "POST", "/api/v1/keys/verify", 200],
    ]);
  });

  it("spends one request of the checked key per call and says rate_limited after", async () => {
    const { send, keyOf, recorded } = setup();
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await send({ key: keyOf("k1") })).json.code);
    expect(codes).toEqual(["valid", "valid", "rate_limited"]);
    const last = recorded.mock.calls.filter(([e]) => e.keyId === "k1").at(-1)?.[0];
    // The default name, and the refusal's status, as the app's own routes record it.
    expect(last).toMatchObject({ method: "POST", endpoint: "/api/v1/keys/verify", status: 429 });
  });

  it("answers another organization's key, or an unknown one, as invalid_key with nulls", async () => {
    const { send, keyOf, recorded } = setup([keyRecord({ id: "theirs", organizationId: "o2" })]);
    for (const key of [keyOf("theirs"), "lk_live_nope", ""]) {
      expect((await send({ key })).json).toEqual({
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
    }
    expect(recorded.mock.calls.every(([e]) => e.keyId === "caller")).toBe(true);
  });

  it("refuses a bad caller key or body with problem+json, before the checked key is touched", async () => {
    const { send, keyOf, consumed } = setup([
      keyRecord(),
      keyRecord({ id: "reader", scopes: ["customers:read"] }),
    ]);
    const key = keyOf("k1");
    const cases: [unknown, Record<string, string>, string | undefined, number, string][] = [
      [{ key }, {}, "", 401, "missing_key"],
      [{ key }, {}, keyOf("reader"), 403, "insufficient_scope"],
      [{ key, extra: 1 }, {}, undefined, 400, "validation_failed"],
      [{}, {}, undefined, 400, "validation_failed"],
      [{ key, cost: 1001 }, {}, undefined, 400, "validation_failed"],
      [{ key, cost: 1.5 }, {}, undefined, 400, "validation_failed"],
      [{ key, endpoint: "GET /a\u0000b" }, {}, undefined, 400, "validation_failed"],
      [{ key, endpoint: "x".repeat(201) }, {}, undefined, 400, "validation_failed"],
      [{ key, clientIp: "not-an-ip" }, {}, undefined, 400, "validation_failed"],
      [{ key, scopes: ["nope:read"] }, {}, undefined, 400, "validation_failed"],
      ["{oops", {}, undefined, 400, "invalid_body"],
      [{ key }, { "content-type": "text/plain" }, undefined, 415, "unsupported_media_type"],
      [{ key }, { "content-length": String(2 * 1024 * 1024) }, undefined, 413, "payload_too_large"],
    ];
    for (const [body, headers, callerKey, status, code] of cases) {
      const res = await send(body, headers, callerKey);
      expect([res.status, res.json.code], JSON.stringify(body)).toEqual([status, code]);
      expect(res.headers["content-type"]).toBe("application/problem+json");
    }
    // Only the caller keys' own requests were spent.
    expect(consumed.mock.calls.every(([id]) => id === "caller" || id === "reader")).toBe(true);
  });

  it("accepts a cost from 0 to 1000, which changes nothing yet", async () => {
    const { send, keyOf } = setup();
    for (const cost of [0, 1000]) {
      const res = await send({ key: keyOf("k1"), cost });
      expect(res.json).toMatchObject({ valid: true, credits: null });
    }
  });

  it("fails closed with 503 in the verdict's shape when the store cannot be reached", async () => {
    const { send, keyOf } = setup(undefined, { storeDown: true });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await send({ key: keyOf("k1") });
    errors.mockRestore();
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ valid: false, code: "verification_unavailable" });
  });
});

describe("usageName", () => {
  it("splits a leading method from the path, and leaves any other name whole", () => {
    expect(usageName("GET /v1/things")).toEqual({ method: "GET", endpoint: "/v1/things" });
    expect(usageName("checkout")).toEqual({ method: "", endpoint: "checkout" });
    expect(usageName("get /x")).toEqual({ method: "", endpoint: "get /x" });
  });
});
