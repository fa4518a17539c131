import { describe, expect, it, vi } from "vitest";
import { decide, refusalResponse } from "./decide.ts";
import { parseIpAllowlist } from "./ip.ts";
import { keyRecord } from "./test-records.ts";
import { fakeRuntime } from "./test-runtime.ts";

const base = { clientIp: "203.0.113.9", method: "GET", endpoint: "/v1/things" };

describe("decide", () => {
  it("allows a good key, spends one request and records it under the given endpoint", async () => {
    const { runtime, keyOf, recorded } = fakeRuntime([keyRecord({ rateLimitPerMinute: 5 })]);
    const decision = await decide(runtime, {
      ...base,
      key: keyOf("k1"),
      scopes: ["customers:read"],
    });
    expect(decision.result).toMatchObject({ ok: true, rateLimit: { limit: 5, remaining: 4 } });
    expect(recorded).not.toHaveBeenCalled();
    decision.record(200);
    expect(recorded).toHaveBeenCalledWith(
      expect.objectContaining({
        keyId: "k1",
        organizationId: "o1",
        method: "GET",
        endpoint: "/v1/things",
        status: 200,
        verified: true,
        scopes: ["customers:read"],
      }),
    );
  });

  it("refuses once the rate limit is spent: N allowed, then rate_limited with the limit", async () => {
    const { runtime, keyOf } = fakeRuntime([keyRecord({ rateLimitPerMinute: 3 })]);
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { result } = await decide(runtime, { ...base, key: keyOf("k1") });
      codes.push(result.ok ? "valid" : result.code);
    }
    expect(codes).toEqual(["valid", "valid", "valid", "rate_limited"]);
    const { result } = await decide(runtime, { ...base, key: keyOf("k1") });
    expect(result).toMatchObject({ status: 429, rateLimit: { limit: 3, remaining: 0 } });
    const response = refusalResponse(result as Extract<typeof result, { ok: false }>);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(response.headers.get("ratelimit-limit")).toBe("3");
  });

  it("requires every scope", async () => {
    const { runtime, keyOf, recorded } = fakeRuntime([keyRecord()]);
    const decision = await decide(runtime, {
      ...base,
      key: keyOf("k1"),
      scopes: ["customers:read", "customers:write"],
    });
    expect(decision.result).toMatchObject({ ok: false, status: 403, code: "insufficient_scope" });
    decision.record(403);
    // A refused request counts, but shows no scope as needed.
    expect(recorded).toHaveBeenCalledWith(
      expect.objectContaining({ status: 403, verified: false, scopes: undefined }),
    );
  });

  it("applies the allowlist to the client address, and fails closed without one", async () => {
    const ranges = parseIpAllowlist(["10.0.0.0/8"]);
    if (!ranges.ok) throw new Error("bad ranges");
    const { runtime, keyOf } = fakeRuntime([
      keyRecord({ ipRestricted: true, allowedIps: ranges.ranges }),
    ]);
    const codeFor = async (clientIp: string | undefined) => {
      const { result } = await decide(runtime, { ...base, key: keyOf("k1"), clientIp });
      return result.ok ? "valid" : result.code;
    };
    expect(await codeFor("10.1.2.3")).toBe("valid");
    expect(await codeFor("192.168.1.1")).toBe("ip_not_allowed");
    expect(await codeFor(undefined)).toBe("ip_not_allowed");
  });

  it("reads another organization's key as unknown: nothing checked, spent or recorded", async () => {
    const { runtime, keyOf, recorded, consumed } = fakeRuntime([
      keyRecord({ organizationId: "o2", rateLimitPerMinute: 1 }),
    ]);
    const decision = await decide(runtime, { ...base, key: keyOf("k1"), organizationId: "o1" });
    expect(decision.result).toMatchObject({ ok: false, code: "invalid_key" });
    expect(decision.result.key).toBeUndefined();
    decision.record(200);
    expect(recorded).not.toHaveBeenCalled();
    expect(consumed).not.toHaveBeenCalled();
    // Its one request a minute is still there for its own organization.
    const own = await decide(runtime, { ...base, key: keyOf("k1"), organizationId: "o2" });
    expect(own.result.ok).toBe(true);
  });

  it("refuses status and expiry before anything is spent", async () => {
    const { runtime, keyOf, consumed } = fakeRuntime([
      keyRecord({ id: "d", status: "disabled" }),
      keyRecord({ id: "r", status: "revoked" }),
      keyRecord({ id: "e", expiresAt: Date.now() - 1000 }),
    ]);
    const codes = [];
    for (const id of ["d", "r", "e"]) {
      const { result } = await decide(runtime, { ...base, key: keyOf(id) });
      codes.push(result.ok ? "valid" : result.code);
    }
    expect(codes).toEqual(["key_disabled", "key_revoked", "key_expired"]);
    expect(consumed).not.toHaveBeenCalled();
  });

  it("fails closed when the store cannot be reached", async () => {
    const { runtime, keyOf, recorded } = fakeRuntime([keyRecord()], { storeDown: true });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const decision = await decide(runtime, { ...base, key: keyOf("k1") });
    errors.mockRestore();
    expect(decision.result).toMatchObject({
      ok: false,
      status: 503,
      code: "verification_unavailable",
    });
    decision.record(503);
    expect(recorded).not.toHaveBeenCalled();
  });
});
