import { afterEach, describe, expect, it, vi } from "vitest";
import { KeyCache } from "./cache.ts";
import { keyRecord } from "./test-records.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => vi.useRealTimers());

describe("KeyCache", () => {
  it("starts unhealthy, with a minute for found keys, a second degraded and ten seconds for unknown hashes", () => {
    const cache = new KeyCache();
    expect(cache.isHealthy).toBe(false);
    expect([cache.ttlMs, cache.degradedTtlMs, cache.negativeTtlMs]).toEqual([
      60_000, 1_000, 10_000,
    ]);
  });

  it("returns what was stored, found or unknown", () => {
    const cache = new KeyCache();
    const record = keyRecord();
    cache.set("found", record);
    cache.set("unknown", null);
    expect(cache.get("found")).toMatchObject({ record });
    expect(cache.get("unknown")).toMatchObject({ record: null });
    expect(cache.get("never")).toBeUndefined();
  });

  it("holds at most `max` entries, and 50 000 by default", () => {
    const small = new KeyCache({ max: 2 });
    for (const hash of ["a", "b", "c"]) small.set(hash, null);
    expect(small.size).toBe(2);
    expect(small.get("a")).toBeUndefined();
    const big = new KeyCache();
    for (let i = 0; i <= 50_000; i++) big.set(`h${i}`, null);
    expect(big.size).toBe(50_000);
  });

  it("keeps found keys only for the degraded TTL while unhealthy, the long one while healthy", async () => {
    const cache = new KeyCache({ ttlMs: 10_000, degradedTtlMs: 30, negativeTtlMs: 10_000 });
    cache.set("degraded", keyRecord());
    cache.setHealthy(true);
    cache.set("healthy", keyRecord());
    await sleep(80);
    expect(cache.get("degraded")).toBeUndefined();
    expect(cache.get("healthy")?.record).toEqual(keyRecord());
  });

  it("keeps unknown hashes for the shorter of the negative and degraded TTLs while unhealthy", async () => {
    const cache = new KeyCache({ ttlMs: 10_000, degradedTtlMs: 30, negativeTtlMs: 10_000 });
    cache.set("unknown", null);
    await sleep(80);
    expect(cache.get("unknown")).toBeUndefined();

    const healthy = new KeyCache({ ttlMs: 10_000, degradedTtlMs: 10_000, negativeTtlMs: 30 });
    healthy.setHealthy(true);
    healthy.set("unknown", null);
    healthy.set("found", keyRecord());
    await sleep(80);
    expect(healthy.get("unknown")).toBeUndefined();
    expect(healthy.get("found")).toBeDefined();
  });

  it("bumps its epoch on every invalidation and clear", () => {
    const cache = new KeyCache();
    cache.set("a", null);
    cache.set("b", null);
    cache.invalidate("a");
    expect(cache.epoch).toBe(1);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toBeDefined();
    cache.clear();
    expect(cache.epoch).toBe(2);
    expect(cache.size).toBe(0);
  });

  it("drops everything when it loses health, and nothing when it gains or keeps it", () => {
    const cache = new KeyCache();
    cache.set("a", null);
    cache.setHealthy(false);
    cache.setHealthy(true);
    cache.setHealthy(true);
    expect(cache.get("a")).toBeDefined();
    expect(cache.epoch).toBe(0);
    cache.setHealthy(false);
    expect(cache.size).toBe(0);
    expect(cache.isHealthy).toBe(false);
  });
});
