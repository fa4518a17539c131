import { afterEach, describe, expect, it, vi } from "vitest";
import { BASE62, generateApiKey, parseApiKey, RANDOM_LENGTH, randomBase62 } from "./key-format.ts";

describe("key generation", () => {
  afterEach(() => vi.restoreAllMocks());

  it("never draws on Math.random", () => {
    const spy = vi.spyOn(Math, "random");
    for (let i = 0; i < 20; i++) generateApiKey("lk", "live");
    randomBase62(64);
    expect(spy).not.toHaveBeenCalled();
  });

  it("puts exactly 32 random base62 characters in every key", () => {
    expect(RANDOM_LENGTH).toBe(32);
    for (let i = 0; i < 50; i++) {
      const { key } = generateApiKey("lk", "test");
      const parsed = parseApiKey(key);
      expect(parsed?.random).toMatch(/^[0-9A-Za-z]{32}$/);
      expect(key).toHaveLength("lk_test_".length + 32 + 6);
    }
    for (const n of [1, 31, 32, 33, 100]) expect(randomBase62(n)).toHaveLength(n);
  });

  it("does not repeat itself: 2000 keys, 2000 distinct random parts with no shared 8-char prefix run", () => {
    const randoms = Array.from(
      { length: 2000 },
      () => parseApiKey(generateApiKey("lk", "live").key)?.random ?? "",
    );
    expect(new Set(randoms).size).toBe(2000);
    expect(new Set(randoms.map((r) => r.slice(0, 8))).size).toBe(2000);
  });

  it("draws every one of the 32 characters of each key at random (none fixed or padded)", () => {
    const randoms = Array.from(
      { length: 2000 },
      () => parseApiKey(generateApiKey("lk", "live").key)?.random ?? "",
    );
    for (let position = 0; position < RANDOM_LENGTH; position++) {
      // 2000 uniform draws over 62 characters show all 62 but with odds of ~1e-12; 50 is plenty.
      expect(new Set(randoms.map((r) => r[position])).size, `position ${position}`).toBeGreaterThan(
        50,
      );
    }
  });

  it("uses the whole alphabet about evenly (no byte-modulo bias towards the first characters)", () => {
    const counts = new Map<string, number>();
    const sample = randomBase62(62 * 400);
    for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // Expected 400 each; a biased draw (byte % 62 without rejection) gives the first 8 ~25% more.
    const first = [...BASE62.slice(0, 8)].reduce((n, c) => n + (counts.get(c) ?? 0), 0) / 8;
    const rest = [...BASE62.slice(8)].reduce((n, c) => n + (counts.get(c) ?? 0), 0) / 54;
    expect(first / rest).toBeLessThan(1.15);
  });

  it("draws no single character noticeably more often than the others", () => {
    // 2000 expected each (σ ≈ 45): a byte range that does not divide evenly by 62 would give
    // one character a fifth more draws.
    const counts = new Map<string, number>();
    for (const c of randomBase62(62 * 2000)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const [c, n] of counts) {
      expect(n, c).toBeGreaterThan(2000 * 0.85);
      expect(n, c).toBeLessThan(2000 * 1.15);
    }
  });
});
