import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateApiKey, parseApiKey } from "@/lib/keys/format";

// The rule file we ship for gitleaks (and document for GitHub custom patterns and trufflehog).
const toml = readFileSync(path.resolve("security/gitleaks.toml"), "utf8");
const source = /regex = '''(.+)'''/.exec(toml)?.[1];
const rule = new RegExp(source ?? "(?!)", "g");
const scan = (text: string) => [...text.matchAll(rule)].map((m) => m[1]);

describe("the shipped gitleaks rule", () => {
  it("finds every real key in surrounding text", () => {
    for (let i = 0; i < 200; i++) {
      const { key } = generateApiKey("lk", i % 2 ? "live" : "test");
      for (const text of [
        key,
        `LATCHKEY_API_KEY=${key}`,
        `headers: { "X-API-Key": "${key}" }`,
        `curl -H 'Authorization: Bearer ${key}'\n`,
      ]) {
        expect(scan(text)).toEqual([key]);
      }
    }
  });

  it("ignores near misses", () => {
    const { key } = generateApiKey("lk", "live");
    const random = key.slice("lk_live_".length);
    for (const text of [
      `lk_live_${random.slice(1)}`, // one character short
      `${key}x`, // one character long
      `lk_prod_${random}`, // unknown environment
      `xlk_live_${random}`, // another product's prefix ending in lk
      `lk-live-${random}`,
      `lk_live_${random.slice(0, 20)}-${random.slice(21)}`,
      `LK_LIVE_${random}`,
    ]) {
      expect(scan(text), text).toEqual([]);
    }
  });

  it("leaves checksum checking to Latchkey: a typo matches the pattern but not the checksum", () => {
    const { key } = generateApiKey("lk", "test");
    const typo = `${key.slice(0, 10)}${key[10] === "a" ? "b" : "a"}${key.slice(11)}`;
    expect(scan(typo)).toEqual([typo]);
    expect(parseApiKey(typo)).toBeNull();
    expect(parseApiKey(key)).not.toBeNull();
  });
});
