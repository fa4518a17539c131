import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { BASE62, checksum, generateApiKey, parseApiKey, RANDOM_LENGTH } from "./key-format.ts";

const productPrefix = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);
const environment = fc.constantFrom("live" as const, "test" as const);
const keyArb = fc.tuple(productPrefix, environment).map(([p, e]) => generateApiKey(p, e).key);

// A hundred generated cases per property: on a busy shared machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

describe("key parser (properties)", () => {
  it("accepts every generated key and returns its parts", () => {
    fc.assert(
      fc.property(productPrefix, environment, (prefix, env) => {
        const { key } = generateApiKey(prefix, env);
        const parsed = parseApiKey(key);
        expect(parsed).toEqual({ prefix, environment: env, random: expect.any(String) });
        expect(parsed?.random).toHaveLength(RANDOM_LENGTH);
        expect(key).toBe(
          `${prefix}_${env}_${parsed?.random}${checksum(`${prefix}_${env}_${parsed?.random}`)}`,
        );
      }),
    );
  });

  it("refuses every key with one character changed", () => {
    fc.assert(
      fc.property(keyArb, fc.nat(), fc.constantFrom(...BASE62, "_", "-", " "), (key, at, ch) => {
        const i = at % key.length;
        fc.pre(key[i] !== ch);
        expect(parseApiKey(`${key.slice(0, i)}${ch}${key.slice(i + 1)}`)).toBeNull();
      }),
    );
  });

  it("refuses keys with characters added or removed", () => {
    fc.assert(
      fc.property(keyArb, fc.nat(), fc.constantFrom(...BASE62), (key, at, ch) => {
        const i = at % key.length;
        expect(parseApiKey(`${key.slice(0, i)}${ch}${key.slice(i)}`)).toBeNull();
        expect(parseApiKey(`${key.slice(0, i)}${key.slice(i + 1)}`)).toBeNull();
      }),
    );
  });

  it("never throws, and whatever it accepts is exactly a well-formed key", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 100 }),
          fc.string({ unit: "binary", maxLength: 80 }),
          keyArb,
        ),
        (s) => {
          const parsed = parseApiKey(s);
          if (parsed) {
            const body = `${parsed.prefix}_${parsed.environment}_${parsed.random}`;
            expect(s).toBe(`${body}${checksum(body)}`);
          }
        },
      ),
    );
  });

  it("draws the random part uniformly from base62 (no character class missing)", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      for (const c of parseApiKey(generateApiKey("lk", "live").key)?.random ?? "") seen.add(c);
    }
    expect(seen.size).toBe(62);
  });
});
