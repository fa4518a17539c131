import { describe, expect, it, vi } from "vitest";
import { generateApiKey } from "@/lib/keys/format";
import { KeyRateLimiterImpl } from "./rate-limit";
import type { KeyRecord, KeyStore } from "./types";
import { Verifier } from "./verifier";

// Bugs a mutation run planted that no test noticed: each case here fails on one of them.

function record(patch: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: "k1",
    organizationId: "o1",
    organizationName: "Acme",
    name: "Key",
    environment: "live",
    scopes: ["customers:read"],
    status: "active",
    expiresAt: null,
    ipRestricted: false,
    allowedIps: [],
    rateLimitPerMinute: null,
    ...patch,
  };
}

function verifierWith(store: KeyStore) {
  return new Verifier({
    store,
    limiter: new KeyRateLimiterImpl({ keyPrefix: `s${Math.random()}` }),
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
