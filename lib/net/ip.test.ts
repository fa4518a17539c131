import { describe, expect, it } from "vitest";
import {
  ipMatches,
  normalizeIp,
  parseIp,
  parseIpAllowlist,
  parseIpRange,
  resolveClientIp,
} from "./ip";

const ranges = (list: string) => {
  const parsed = parseIpAllowlist(list);
  if (!parsed.ok) throw new Error(parsed.invalid.join());
  return parsed.ranges;
};

describe("IP parsing and matching", () => {
  it("unwraps IPv4-mapped IPv6", () => {
    expect(normalizeIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeIp("[2001:db8::1]")).toBe("2001:db8::1");
    expect(normalizeIp("nope")).toBeNull();
    expect(parseIp("nope")).toBeNull();
  });

  it("trims surrounding space and strips only the brackets around an address", () => {
    expect(normalizeIp(" 203.0.113.9\t")).toBe("203.0.113.9");
    expect(normalizeIp(" [2001:db8::1] ")).toBe("2001:db8::1");
    for (const bad of ["203.0.[113.9", "203.0].113.9", "", "   "]) {
      expect(normalizeIp(bad), bad).toBeNull();
    }
  });

  it("makes a bare address a single-address range of its family", () => {
    const v4 = parseIpRange(" 203.0.113.9 ");
    expect(v4?.text).toBe("203.0.113.9");
    expect(v4?.range[0].toString()).toBe("203.0.113.9");
    expect(v4?.range[1]).toBe(32);
    expect(parseIpRange("2001:db8::1")?.range[1]).toBe(128);
    expect(parseIpRange("::ffff:203.0.113.9")?.range[1]).toBe(32);
    const v6 = ranges("2001:db8::1");
    expect(ipMatches("2001:db8::1", v6)).toBe(true);
    expect(ipMatches("2001:db8::2", v6)).toBe(false);
  });

  it("accepts every prefix length from 0 to the family's width, and nothing else", () => {
    expect(parseIpRange(" 10.0.0.0/8 ")?.text).toBe("10.0.0.0/8");
    expect(parseIpRange("0.0.0.0/0")?.range[1]).toBe(0);
    expect(parseIpRange("10.0.0.1/32")?.range[1]).toBe(32);
    expect(parseIpRange("2001:db8::/64")?.text).toBe("2001:db8::/64");
    expect(parseIpRange("::/0")?.range[1]).toBe(0);
    expect(parseIpRange("2001:db8::1/128")?.range[1]).toBe(128);
    expect(parseIpRange("::ffff:10.0.0.1/128")?.text).toBe("10.0.0.1/32");
    expect(parseIpRange("::ffff:0.0.0.0/96")?.text).toBe("0.0.0.0/0");
    for (const bad of [
      "10.0.0.0/x8",
      "10.0.0.0/8x",
      "10.0.0.0/1000",
      "10.0.0.0/-1",
      "abc/8",
      "/8",
      "::ffff:10.0.0.0/95",
      "",
      "  ",
    ]) {
      expect(parseIpRange(bad), bad).toBeNull();
    }
  });

  it("reads allowlists from text or a list, ignoring blank entries and reporting bad ones trimmed", () => {
    const text = parseIpAllowlist(" 10.0.0.1,,\n 192.168.0.0/16 ,\t");
    expect(text.ok && text.ranges.map((r) => r.text)).toEqual(["10.0.0.1", "192.168.0.0/16"]);
    const list = parseIpAllowlist([" 10.0.0.1 ", "  ", "2001:db8::/32"]);
    expect(list.ok && list.ranges.map((r) => r.text)).toEqual(["10.0.0.1", "2001:db8::/32"]);
    expect(parseIpAllowlist([" bad ", "10.0.0.1", "10.0.0.0/33 "])).toEqual({
      ok: false,
      invalid: ["bad", "10.0.0.0/33"],
    });
  });

  it("parses addresses and CIDRs and rejects garbage", () => {
    expect(parseIpRange("10.0.0.0/8")?.text).toBe("10.0.0.0/8");
    expect(parseIpRange("2001:db8::/32")?.text).toBe("2001:db8::/32");
    expect(parseIpRange("::ffff:10.0.0.0/104")?.text).toBe("10.0.0.0/8");
    for (const bad of ["10.0.0.0/33", "10.0.0.0/", "300.1.1.1", "10.0.0.0/8/1", "abc", "::/129"]) {
      expect(parseIpRange(bad), bad).toBeNull();
    }
    expect(parseIpAllowlist("10.0.0.1, 192.168.0.0/16\n::1")).toMatchObject({ ok: true });
    expect(parseIpAllowlist("10.0.0.1, 10.0.0.0/99")).toEqual({
      ok: false,
      invalid: ["10.0.0.0/99"],
    });
  });

  it("matches v4 and v6, including mapped addresses, and never across families", () => {
    const list = ranges("203.0.113.0/24, 2001:db8::/32");
    expect(ipMatches("203.0.113.9", list)).toBe(true);
    expect(ipMatches("::ffff:203.0.113.9", list)).toBe(true);
    expect(ipMatches("203.0.114.1", list)).toBe(false);
    expect(ipMatches("2001:db8:1::5", list)).toBe(true);
    expect(ipMatches("2001:db9::1", list)).toBe(false);
    expect(ipMatches("garbage", list)).toBe(false);
  });
});

describe("resolveClientIp", () => {
  const proxies = ranges("10.0.0.0/8");

  it("uses the socket and ignores X-Forwarded-For from an untrusted peer", () => {
    expect(resolveClientIp("::ffff:127.0.0.1", "10.1.2.3", [])).toBe("127.0.0.1");
    expect(resolveClientIp("198.51.100.7", "203.0.113.1", proxies)).toBe("198.51.100.7");
  });

  it("takes the right-most untrusted hop behind trusted proxies", () => {
    // The client forged "1.1.1.1"; the proxy appended the real peer 198.51.100.7.
    expect(resolveClientIp("10.0.0.2", "1.1.1.1, 198.51.100.7", proxies)).toBe("198.51.100.7");
    expect(resolveClientIp("10.0.0.2", "198.51.100.7, 10.0.0.9", proxies)).toBe("198.51.100.7");
    expect(resolveClientIp("10.0.0.2", undefined, proxies)).toBe("10.0.0.2");
    expect(resolveClientIp("10.0.0.2", "junk", proxies)).toBe("10.0.0.2");
  });

  it("skips empty X-Forwarded-For entries instead of giving up on them", () => {
    expect(resolveClientIp("10.0.0.2", "198.51.100.7, , 10.0.0.9,", proxies)).toBe("198.51.100.7");
  });

  it("returns undefined without a socket address", () => {
    expect(resolveClientIp(undefined, "1.2.3.4", proxies)).toBeUndefined();
  });
});
