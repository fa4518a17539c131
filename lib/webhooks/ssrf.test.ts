import { describe, expect, it } from "vitest";
import { checkWebhookTarget, refusedAddressReason, webhookUrlProblem } from "./ssrf";

describe("webhook targets", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["224.0.0.1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["100.64.0.1", "carrierGradeNat"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["fd12:3456::1", "uniqueLocal"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "linkLocal"],
    ["2002:7f00:1::", "6to4"],
    ["64:ff9b::7f00:1", "NAT64"],
    ["2001:db8::1", "reserved"],
    // IPv6 forms that carry an IPv4 address are judged by it.
    ["::127.0.0.1", "IPv4-compatible address for 127.0.0.1 (loopback)"],
    ["::7f00:1", "IPv4-compatible address for 127.0.0.1 (loopback)"],
    ["::a9fe:a9fe", "IPv4-compatible address for 169.254.169.254 (linkLocal)"],
    ["0:0:0:0:0:0:10.0.0.1", "IPv4-compatible address for 10.0.0.1 (private)"],
    ["::ffff:0:127.0.0.1", "IPv4-translated address for 127.0.0.1 (loopback)"],
    ["::ffff:0:a9fe:a9fe", "IPv4-translated address for 169.254.169.254 (linkLocal)"],
    ["64:ff9b::169.254.169.254", "NAT64 address for 169.254.169.254 (linkLocal)"],
    ["64:ff9b::a00:1", "NAT64 address for 10.0.0.1 (private)"],
    ["64:ff9b:1::7f00:1", "local-use NAT64 address for 127.0.0.1 (loopback)"],
    ["64:ff9b:1:c0a8:1:100::", "local-use NAT64 address"],
    ["2002:a9fe:a9fe::1", "6to4 address for 169.254.169.254 (linkLocal)"],
    ["2002:c0a8:101:1::1", "6to4 address for 192.168.1.1 (private)"],
    // Teredo: server 65.54.227.120, client 127.0.0.1 with every bit flipped.
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo address for 127.0.0.1 (loopback)"],
    ["2001:0:a00:1:8000:63bf:f7f6:f5f4", "Teredo address for 10.0.0.1 (private)"],
    // The other embedding forms are refused even when they carry a public address.
    ["::8.8.8.8", "IPv4-compatible address"],
    ["::ffff:0:8.8.8.8", "IPv4-translated address"],
    ["64:ff9b::8.8.8.8", "NAT64 address"],
    ["2002:808:808::1", "6to4 address"],
    ["2001:0:4136:e378:8000:63bf:f7f7:f7f7", "Teredo address"],
    // Special IPv6 ranges, and anything outside global unicast.
    ["fec0::1", "deprecatedSiteLocal"],
    ["ff05::2", "multicast"],
    ["fdff:ffff::1", "uniqueLocal"],
    ["3fff::1", "reserved"],
    ["2001:2::1", "benchmarking"],
    ["100::1", "discard"],
    ["::1:2:3:4:5", "not a global unicast address"],
    ["4000::1", "not a global unicast address"],
    ["fe80::1%eth0", "linkLocal"],
    // What cannot be read is refused.
    ["127.0.0.1\u0000", "not an IP address"],
    ["0177.0.0.1", "not an IP address"],
    ["::ffff:0x7f.0.0.1", "not an IP address"],
  ])("refuses %s (%s)", (address, range) => {
    expect(refusedAddressReason(address)).toContain(range);
  });

  it.each([
    "93.184.215.14",
    "8.8.8.8",
    "2606:4700::6810:85e5",
    "::ffff:8.8.8.8",
    "::ffff:808:808",
    "2a00:1450:4001:82b::200e",
  ])("accepts the public address %s", (address) => {
    expect(refusedAddressReason(address)).toBeNull();
  });

  it("accepts only https URLs to public hosts without the flag", () => {
    expect(webhookUrlProblem("https://hooks.example.com/in", false)).toBeNull();
    expect(webhookUrlProblem("http://hooks.example.com/in", false)).toMatch(/https/);
    expect(webhookUrlProblem("ftp://hooks.example.com/in", false)).toMatch(/https/);
    expect(webhookUrlProblem("not a url", false)).toMatch(/full URL/);
    expect(webhookUrlProblem("https://user:pw@hooks.example.com/", false)).toMatch(/password/);
    for (const host of [
      "127.0.0.1",
      "[::1]",
      "[::ffff:127.0.0.1]",
      "[::ffff:7f00:1]",
      "[::127.0.0.1]",
      "[::a9fe:a9fe]",
      "[::ffff:0:127.0.0.1]",
      "[64:ff9b::127.0.0.1]",
      "[64:ff9b:1::a9fe:a9fe]",
      "[2002:a9fe:a9fe::]",
      "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
      "[fec0::1]",
      "[ff02::1]",
      "[fd00::1]",
      "[2001:db8::1]",
      "[::]",
      "10.0.0.1",
      "169.254.169.254",
      "[fe80::1]",
      "localhost",
      "api.localhost",
      "printer.local",
      "intranet",
    ]) {
      expect(webhookUrlProblem(`https://${host}/hooks`, false), host).not.toBeNull();
    }
  });

  it("allows http and private targets with WEBHOOKS_ALLOW_PRIVATE", async () => {
    expect(webhookUrlProblem("http://127.0.0.1:8080/hooks", true)).toBeNull();
    expect(webhookUrlProblem("ftp://127.0.0.1/hooks", true)).not.toBeNull();
    const check = await checkWebhookTarget("http://127.0.0.1:8080/hooks", { allowPrivate: true });
    expect(check).toMatchObject({ ok: true, addresses: [{ address: "127.0.0.1", family: 4 }] });
  });

  it("refuses a host when any of its addresses is private", async () => {
    const check = await checkWebhookTarget("https://hooks.example.com/", {
      allowPrivate: false,
      resolver: async () => [
        { address: "93.184.215.14", family: 4 },
        { address: "::ffff:192.168.0.10", family: 6 },
      ],
    });
    expect(check).toEqual({
      ok: false,
      reason: "Refused: hooks.example.com resolves to 192.168.0.10 is a private address.",
    });
    const failing = await checkWebhookTarget("https://nowhere.example.com/", {
      allowPrivate: false,
      resolver: async () => {
        throw Object.assign(new Error("nx"), { code: "ENOTFOUND" });
      },
    });
    expect(failing).toEqual({
      ok: false,
      reason: "Could not resolve nowhere.example.com (ENOTFOUND).",
      transient: true,
    });
  });
});
