import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { ipMatches, parseIpAllowlist, parseIpRange } from "@/lib/net/ip";

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
const text = (o: number[]) => o.join(".");
const toInt = (o: number[]) => o.reduce((acc, b) => acc * 256 + b, 0);
const samePrefix = (a: number[], b: number[], bits: number) =>
  bits === 0 || Math.floor(toInt(a) / 2 ** (32 - bits)) === Math.floor(toInt(b) / 2 ** (32 - bits));

// A hundred generated cases per property: on a busy shared machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

describe("CIDR matcher (properties)", () => {
  it("an IPv4 address matches a range exactly when the first prefix bits agree", () => {
    fc.assert(
      fc.property(v4, v4, fc.integer({ min: 0, max: 32 }), (net, ip, bits) => {
        const range = parseIpRange(`${text(net)}/${bits}`);
        expect(range).not.toBeNull();
        expect(ipMatches(text(ip), [range as NonNullable<typeof range>])).toBe(
          samePrefix(net, ip, bits),
        );
      }),
    );
  });

  it("an address always matches its own range, and its IPv4-mapped IPv6 form matches alike", () => {
    fc.assert(
      fc.property(v4, fc.integer({ min: 0, max: 32 }), v4, (ip, bits, other) => {
        const range = parseIpRange(`${text(ip)}/${bits}`) as NonNullable<
          ReturnType<typeof parseIpRange>
        >;
        expect(ipMatches(text(ip), [range])).toBe(true);
        expect(ipMatches(`::ffff:${text(other)}`, [range])).toBe(ipMatches(text(other), [range]));
        const mapped = parseIpRange(`::ffff:${text(ip)}/${bits + 96}`);
        expect(mapped?.text).toBe(range.text);
      }),
    );
  });

  it("an IPv6 address matches its own range of any prefix", () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 0, max: 128 }), (ip, bits) => {
        const range = parseIpRange(`${ip}/${bits}`);
        fc.pre(range !== null && !range.text.includes("."));
        expect(ipMatches(ip, [range as NonNullable<typeof range>])).toBe(true);
      }),
    );
  });

  it("refuses prefixes past the address width and never throws on arbitrary text", () => {
    fc.assert(
      fc.property(v4, fc.integer({ min: 33, max: 999 }), (ip, bits) => {
        expect(parseIpRange(`${text(ip)}/${bits}`)).toBeNull();
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (entry, ip) => {
        const parsed = parseIpAllowlist(entry);
        if (parsed.ok) ipMatches(ip, parsed.ranges);
      }),
    );
  });

  it("never matches anything against an empty list or a garbage address", () => {
    fc.assert(
      fc.property(v4, fc.string({ maxLength: 20 }), (ip, garbage) => {
        expect(ipMatches(text(ip), [])).toBe(false);
        fc.pre(parseIpRange(garbage) === null);
        const all = parseIpRange("0.0.0.0/0") as NonNullable<ReturnType<typeof parseIpRange>>;
        expect(ipMatches(garbage, [all])).toBe(false);
      }),
    );
  });
});
