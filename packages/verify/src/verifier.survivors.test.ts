import { describe, expect, it, vi } from "vitest";
import { generateApiKey } from "./key-format.ts";
import type { KeyRecord, KeyStore } from "./ports.ts";
import { FixedWindowKeyLimiter } from "./rate-limit.ts";
import { keyRecord } from "./test-records.ts";
import { Verifier } from "./verifier.ts";

// Bugs a mutation run planted that no test noticed: each case here fails on one of them.

const record = keyRecord;

function verifierWith(store: KeyStore) {
  return new Verifier({
    store,
    limiter: new FixedWindowKeyLimiter({ keyPrefix: `s${Math.random()}` }),
    defaultRateLimitPerMinute: 600,
  });
}

/** A store whose lookups the test answers one by one. */
function manualStore() {
  const pending: ((r: KeyRecord | null) => void)[] = [];
  const store: KeyStore = {
    findByHash: vi.fn(() => new Promise<KeyRecord | null>((resolve) => pending.push(resolve))),
  };
  return { store, answer: (i: number, r: KeyRecord | null) => pending[i]?.(r), pending };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("scopes", () => {
  it("needs every scope a route requires, not any one of them", async () => {
    const { key, hash } = generateApiKey("lk", "live");
    const store: KeyStore = { findByHash: async (h) => (h === hash ? record() : null) };
    const verifier = verifierWith(store);
    const both = ["customers:read", "customers:write"];
    expect(await verifier.verify({ key, requiredScopes: both, clientIp: undefined })).toMatchObject(
      { ok: false, status: 403, code: "insufficient_scope" },
    );
    expect(
      await verifier.verify({
        key,
        requiredScopes: ["customers:write", "customers:read"],
        clientIp: undefined,
      }),
    ).toMatchObject({ ok: false, detail: expect.stringContaining("customers:write") });
    const full = verifierWith({
      findByHash: async () => record({ scopes: ["customers:read", "customers:write"] }),
    });
    expect(await full.verify({ key, requiredScopes: both, clientIp: undefined })).toMatchObject({
      ok: true,
    });
  });
});

describe("a lookup that races an invalidation", () => {
  it("is not cached: the next request looks the key up again", async () => {
    const { key, hash } = generateApiKey("lk", "live");
    const { store, answer } = manualStore();
    const verifier = verifierWith(store);
    const first = verifier.verify({ key, clientIp: undefined });
    await flush();
    verifier.cache.invalidate(hash);
    answer(0, record());
    expect(await first).toMatchObject({ ok: true });
    const second = verifier.verify({ key, clientIp: undefined });
    await flush();
    expect(store.findByHash).toHaveBeenCalledTimes(2);
    answer(1, record({ status: "revoked" }));
    expect(await second).toMatchObject({ ok: false, code: "key_revoked" });
  });

  it("is not shared with a request that arrives after the invalidation", async () => {
    const { key, hash } = generateApiKey("lk", "live");
    const { store, answer } = manualStore();
    const verifier = verifierWith(store);
    const before = verifier.verify({ key, clientIp: undefined });
    await flush();
    verifier.cache.invalidate(hash);
    const after = verifier.verify({ key, clientIp: undefined });
    await flush();
    expect(store.findByHash).toHaveBeenCalledTimes(2);
    answer(0, record());
    answer(1, record({ status: "revoked" }));
    expect(await before).toMatchObject({ ok: true });
    expect(await after).toMatchObject({ ok: false, code: "key_revoked" });
    // And what the fresh lookup found is what stays cached.
    expect(await verifier.verify({ key, clientIp: undefined })).toMatchObject({
      code: "key_revoked",
    });
    expect(store.findByHash).toHaveBeenCalledTimes(2);
  });
});

describe("what a refusal carries", () => {
  it("names the key it identified (so refused requests are counted), and always says why", async () => {
    const { key, hash } = generateApiKey("lk", "live");
    const cases: [Partial<KeyRecord>, string][] = [
      [{ status: "disabled" }, "key_disabled"],
      [{ status: "revoked" }, "key_revoked"],
      [{ expiresAt: 1 }, "key_expired"],
      [{ ipRestricted: true, allowedIps: [] }, "ip_not_allowed"],
      [{ scopes: [] }, "insufficient_scope"],
    ];
    for (const [patch, code] of cases) {
      const verifier = verifierWith({
        findByHash: async (h) => (h === hash ? record(patch) : null),
      });
      const result = await verifier.verify({
        key: `  ${key} `,
        requiredScopes: ["customers:read"],
        clientIp: "192.0.2.1",
      });
      expect(result, code).toMatchObject({ ok: false, code, key: { id: "k1" } });
      expect(result.ok ? "" : result.detail, code).not.toBe("");
    }
    for (const bad of [undefined, "nope", generateApiKey("lk", "live").key]) {
      const result = await verifierWith({ findByHash: async () => null }).verify({
        key: bad,
        clientIp: undefined,
      });
      expect(result.ok ? "" : result.detail).not.toBe("");
    }
  });

  it("spends nothing of a key refused for its scopes", async () => {
    const { key } = generateApiKey("lk", "live");
    const verifier = verifierWith({ findByHash: async () => record({ rateLimitPerMinute: 1 }) });
    for (let i = 0; i < 3; i++) {
      expect(
        await verifier.verify({ key, clientIp: undefined, requiredScopes: ["keys:write"] }),
      ).toMatchObject({ ok: false, code: "insufficient_scope" });
    }
    expect(await verifier.verify({ key, clientIp: undefined })).toMatchObject({ ok: true });
    expect(await verifier.verify({ key, clientIp: undefined })).toMatchObject({
      code: "rate_limited",
    });
  });

  it("gives up on a lookup that hangs and answers 503 (fails closed, never waits forever)", async () => {
    vi.useFakeTimers();
    try {
      const { key } = generateApiKey("lk", "live");
      const verifier = new Verifier({
        store: { findByHash: () => new Promise(() => {}) },
        limiter: new FixedWindowKeyLimiter({ keyPrefix: `h${Math.random()}` }),
        defaultRateLimitPerMinute: 600,
        lookupTimeoutMs: 50,
      });
      const pending = verifier.verify({ key, clientIp: undefined });
      await vi.advanceTimersByTimeAsync(60);
      expect(await pending).toMatchObject({
        ok: false,
        status: 503,
        code: "verification_unavailable",
      });
    } finally {
      vi.useRealTimers();
    }
  });
});
