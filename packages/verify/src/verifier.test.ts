import { describe, expect, it, vi } from "vitest";
import { KeyCache } from "./cache.ts";
import { parseIpAllowlist } from "./ip.ts";
import { generateApiKey, hashApiKey } from "./key-format.ts";
import { KeyChangeListener } from "./listener.ts";
import type { KeyRecord, KeyStore } from "./ports.ts";
import { FixedWindowKeyLimiter } from "./rate-limit.ts";
import { keyRecord } from "./test-records.ts";
import { Verifier } from "./verifier.ts";

const record = keyRecord;

function setup(records: Record<string, KeyRecord> = {}, now = () => Date.now()) {
  const store: KeyStore = { findByHash: vi.fn(async (hash: string) => records[hash] ?? null) };
  const verifier = new Verifier({
    store,
    limiter: new FixedWindowKeyLimiter({ keyPrefix: `t${Math.random()}` }),
    defaultRateLimitPerMinute: 600,
    now,
  });
  return { store, verifier };
}

function keyFor(patch: Partial<KeyRecord> = {}) {
  const { key, hash } = generateApiKey("lk", "live");
  return { key, records: { [hash]: record(patch) } };
}

describe("Verifier", () => {
  it("refuses a missing, malformed or bad-checksum key without a lookup", async () => {
    const { store, verifier } = setup();
    const { key } = generateApiKey("lk", "live");
    const badChecksum = `${key.slice(0, -1)}${key.endsWith("0") ? "1" : "0"}`;
    expect(await verifier.verify({ key: undefined, clientIp: undefined })).toMatchObject({
      status: 401,
      code: "missing_key",
    });
    for (const bad of ["nope", badChecksum, `${key}x`]) {
      expect(await verifier.verify({ key: bad, clientIp: undefined })).toMatchObject({
        status: 401,
        code: "invalid_key",
      });
    }
    expect(store.findByHash).not.toHaveBeenCalled();
  });

  it("caches unknown hashes so a flood of one made-up key costs one lookup", async () => {
    const { store, verifier } = setup();
    const { key } = generateApiKey("lk", "live");
    const results = await Promise.all(
      Array.from({ length: 50 }, () => verifier.verify({ key, clientIp: undefined })),
    );
    expect(results.every((r) => !r.ok && r.code === "invalid_key")).toBe(true);
    expect(store.findByHash).toHaveBeenCalledTimes(1);
  });

  it("caches found keys and drops them on invalidation", async () => {
    const { key, records } = keyFor();
    const { store, verifier } = setup(records);
    await verifier.verify({ key, clientIp: undefined });
    await verifier.verify({ key, clientIp: undefined });
    expect(store.findByHash).toHaveBeenCalledTimes(1);
    verifier.cache.invalidate(hashApiKey(key));
    await verifier.verify({ key, clientIp: undefined });
    expect(store.findByHash).toHaveBeenCalledTimes(2);
  });

  it("maps status and expiry, with expiry exact at the boundary", async () => {
    let now = 1_000_000;
    for (const [patch, code] of [
      [{ status: "disabled" }, "key_disabled"],
      [{ status: "revoked" }, "key_revoked"],
      [{ expiresAt: 1_000_000 }, "key_expired"],
      // One precedence with the UI's badge (lib/keys/status.ts): revoked, then expired.
      [{ status: "disabled", expiresAt: 1_000_000 }, "key_expired"],
      [{ status: "revoked", expiresAt: 1_000_000 }, "key_revoked"],
    ] as const) {
      const { key, records } = keyFor(patch);
      const { verifier } = setup(records, () => now);
      expect(await verifier.verify({ key, clientIp: undefined })).toMatchObject({
        status: 401,
        code,
      });
    }
    const { key, records } = keyFor({ expiresAt: 1_000_001 });
    const { verifier } = setup(records, () => now);
    expect((await verifier.verify({ key, clientIp: undefined })).ok).toBe(true);
    now = 1_000_001;
    expect(await verifier.verify({ key, clientIp: undefined })).toMatchObject({
      code: "key_expired",
    });
  });

  it("checks scopes and the IP allowlist, v4 and v6", async () => {
    const list = parseIpAllowlist("203.0.113.0/24, 2001:db8::/32");
    if (!list.ok) throw new Error();
    const { key, records } = keyFor({ ipRestricted: true, allowedIps: list.ranges });
    const { verifier } = setup(records);
    const v = (clientIp: string | undefined, requiredScopes?: string[]) =>
      verifier.verify({ key, clientIp, requiredScopes });
    expect((await v("203.0.113.7")).ok).toBe(true);
    expect((await v("::ffff:203.0.113.7")).ok).toBe(true);
    expect((await v("2001:db8:5::1")).ok).toBe(true);
    for (const ip of ["198.51.100.1", "2001:db9::1", undefined]) {
      expect(await v(ip)).toMatchObject({ status: 403, code: "ip_not_allowed" });
    }
    expect(await v("203.0.113.7", ["customers:write"])).toMatchObject({
      status: 403,
      code: "insufficient_scope",
    });
  });

  it("fails closed when an allowlist exists but none of it parses", async () => {
    const { key, records } = keyFor({ ipRestricted: true, allowedIps: [] });
    const { verifier } = setup(records);
    expect(await verifier.verify({ key, clientIp: "127.0.0.1" })).toMatchObject({
      code: "ip_not_allowed",
    });
  });

  it("answers 503 when the store is unreachable, and never caches that", async () => {
    const { key, records } = keyFor();
    const { store, verifier } = setup(records);
    vi.mocked(store.findByHash).mockRejectedValueOnce(new Error("ECONNREFUSED"));
    expect(await verifier.verify({ key, clientIp: undefined })).toMatchObject({
      status: 503,
      code: "verification_unavailable",
    });
    expect((await verifier.verify({ key, clientIp: undefined })).ok).toBe(true);
  });

  it("after a failed lookup, probes the store one lookup at a time; other misses fail at once", async () => {
    const a = keyFor();
    const b = keyFor();
    const c = keyFor();
    const { store, verifier } = setup({ ...a.records, ...b.records, ...c.records });
    vi.mocked(store.findByHash).mockRejectedValueOnce(new Error("ECONNREFUSED"));
    expect(await verifier.verify({ key: a.key, clientIp: undefined })).toMatchObject({
      status: 503,
    });

    // The store is down: the next miss probes it and hangs; a miss meanwhile is not held up.
    let answer: (value: null) => void = () => {};
    vi.mocked(store.findByHash).mockImplementationOnce(
      () => new Promise<null>((resolve) => (answer = resolve)),
    );
    const probe = verifier.verify({ key: b.key, clientIp: undefined });
    expect(await verifier.verify({ key: c.key, clientIp: undefined })).toMatchObject({
      status: 503,
      code: "verification_unavailable",
    });
    expect(store.findByHash).toHaveBeenCalledTimes(2);

    // The probe answers: the store is back, and lookups go through again.
    answer(null);
    expect((await probe).ok).toBe(false);
    expect((await verifier.verify({ key: c.key, clientIp: undefined })).ok).toBe(true);
    expect(store.findByHash).toHaveBeenCalledTimes(3);
  });

  it("limits per key: N allowed, N+1 refused", async () => {
    const { key, records } = keyFor({ rateLimitPerMinute: 3 });
    const { verifier } = setup(records);
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const r = await verifier.verify({ key, clientIp: undefined });
      expect(r.ok).toBe(true);
      remaining.push(r.ok ? r.rateLimit?.remaining : -1);
    }
    expect(remaining).toEqual([2, 1, 0]);
    const refused = await verifier.verify({ key, clientIp: undefined });
    expect(refused).toMatchObject({
      status: 429,
      code: "rate_limited",
      rateLimit: { limit: 3, remaining: 0 },
    });
  });
});

describe("KeyChangeListener", () => {
  it("invalidates on notification, and trusts the long TTL only while its pings arrive", async () => {
    const cache = new KeyCache({ ttlMs: 60_000, degradedTtlMs: 1000 });
    let deliver: ((payload: string) => void) | undefined;
    let connected = true;
    let now = 0;
    const listener = new KeyChangeListener({
      cache,
      channel: "c",
      heartbeatMs: 1000,
      now: () => now,
      listen: async (_c, onMessage) => {
        deliver = onMessage;
        return async () => {};
      },
      notify: async (_c, payload) => {
        if (connected) deliver?.(payload);
      },
    });
    await listener.start();
    expect(cache.isHealthy).toBe(true);
    cache.set("h1", record());
    deliver?.("h1");
    expect(cache.get("h1")).toBeUndefined();

    cache.set("h2", record());
    connected = false;
    now = 3000;
    await listener.beat();
    expect(cache.isHealthy).toBe(false);
    expect(cache.get("h2")).toBeUndefined();

    connected = true;
    await listener.beat();
    expect(cache.isHealthy).toBe(true);
    await listener.stop();
  });
});

describe("Verifier refresh ahead", () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** A verifier whose cache keeps found keys 1 s; `mode` slows or breaks its lookups. */
  function refreshing() {
    const { key, records } = keyFor();
    const cache = new KeyCache({ ttlMs: 1000 });
    cache.setHealthy(true);
    const mode = { slow: false, down: false };
    const store: KeyStore = {
      findByHash: vi.fn(async (hash: string) => {
        if (mode.slow) await sleep(400);
        if (mode.down) throw new Error("connection refused");
        return records[hash] ?? null;
      }),
    };
    const verifier = new Verifier({
      store,
      cache,
      limiter: new FixedWindowKeyLimiter({ keyPrefix: `t${Math.random()}` }),
      defaultRateLimitPerMinute: 600,
      onStoreError: () => {},
    });
    return { key, mode, store, verify: () => verifier.verify({ key, clientIp: undefined }) };
  }

  it("looks a key in use up again before it expires, without making a request wait", async () => {
    const { mode, store, verify } = refreshing();
    expect((await verify()).ok).toBe(true);
    expect(store.findByHash).toHaveBeenCalledTimes(1);
    await sleep(860); // past 80% of the TTL, before it ends
    mode.slow = true;
    const started = performance.now();
    expect((await verify()).ok).toBe(true);
    // Answered from the cache while the lookup runs behind it.
    expect(performance.now() - started).toBeLessThan(300);
    expect(store.findByHash).toHaveBeenCalledTimes(2);
    await sleep(500); // the first entry's TTL is over; the refreshed one is in its place
    const later = performance.now();
    expect((await verify()).ok).toBe(true);
    expect(performance.now() - later).toBeLessThan(300);
    expect(store.findByHash).toHaveBeenCalledTimes(2);
  });

  it("never serves an entry past its TTL when the refresh fails", async () => {
    const { mode, verify } = refreshing();
    await verify();
    await sleep(860);
    mode.down = true;
    expect((await verify()).ok).toBe(true);
    await sleep(300);
    expect(await verify()).toMatchObject({ ok: false, status: 503 });
  });
});
