import { describe, expect, it } from "vitest";
import {
  BASE62,
  checksum,
  generateApiKey,
  hashApiKey,
  maskKey,
  parseApiKey,
  randomBase62,
  redactApiKeys,
  toBase62,
} from "./key-format.ts";

describe("generateApiKey", () => {
  it("has the documented format and a checksum over everything before it", () => {
    const { key, prefix, hash } = generateApiKey("lk", "live");
    expect(key).toMatch(/^lk_live_[0-9A-Za-z]{32}[0-9A-Za-z]{6}$/);
    expect(key.slice(-6)).toBe(checksum(key.slice(0, -6)));
    expect(prefix).toBe(key.slice(0, 12));
    expect(hash).toBe(hashApiKey(key));
    expect(generateApiKey("acme", "test").key).toMatch(/^acme_test_/);
  });

  it("never repeats and draws every base62 character", () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateApiKey("lk", "live").key));
    expect(keys.size).toBe(2000);
    const seen = new Set(randomBase62(20_000));
    expect(seen.size).toBe(62);
  });

  it("refuses an invalid product prefix", () => {
    for (const bad of ["Bad_", "lk_", "lk-x", "lK", "1lk", "", "abcdefghijk"]) {
      expect(() => generateApiKey(bad, "live"), bad).toThrow("invalid key prefix");
    }
    expect(parseApiKey(generateApiKey("abcdefghij", "live").key)?.prefix).toBe("abcdefghij");
  });
});

describe("parseApiKey", () => {
  const { key } = generateApiKey("lk", "test");

  it("accepts a generated key", () => {
    expect(parseApiKey(key)).toMatchObject({ prefix: "lk", environment: "test" });
  });

  it("catches every single-character change, anywhere in the key", () => {
    for (let i = 0; i < key.length; i++) {
      for (const c of `${BASE62}_-`) {
        if (c === key[i]) continue;
        const altered = key.slice(0, i) + c + key.slice(i + 1);
        expect(parseApiKey(altered), altered).toBeNull();
      }
    }
  });

  it("rejects wrong shapes", () => {
    for (const bad of [
      "",
      key.slice(0, -1),
      `${key}x`,
      key.replace("_test_", "_prod_"),
      ` ${key}`,
      key.toUpperCase(),
      "lk_live_",
      "x".repeat(10_000),
    ]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });
});

describe("helpers", () => {
  it("encodes base62 with fixed width", () => {
    expect(toBase62(0, 6)).toBe("000000");
    expect(toBase62(61, 2)).toBe("0z");
    expect(toBase62(62, 2)).toBe("10");
    expect(toBase62(0xffffffff, 6)).toHaveLength(6);
  });

  it("masks as prefix plus eight bullets", () => {
    expect(maskKey("lk_live_AbCd")).toBe("lk_live_AbCd••••••••");
  });

  it("hashes with SHA-256 hex", () => {
    expect(hashApiKey("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("masks every full key inside free text, and nothing else", () => {
    const live = generateApiKey("lk", "live");
    const test = generateApiKey("acme", "test");
    const text = `failed for ${live.key}, then "${test.key}"; prefix ${live.prefix} stays`;
    const redacted = redactApiKeys(text);
    expect(redacted).not.toContain(live.key);
    expect(redacted).not.toContain(test.key);
    expect(redacted).toContain(`${live.prefix}••••••••,`);
    expect(redacted).toContain(`"${test.prefix}••••••••"`);
    expect(redacted).toContain(`prefix ${live.prefix} stays`);
  });
});
