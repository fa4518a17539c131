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
    ["64:ff9b::7f00:1", "rfc6052"],
    ["2001:db8::1", "reserved"],
  ])("refuses %s (%s)", (address, range) => {
    expect(refusedAddressReason(address)).toContain(range);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700::6810:85e5", "::ffff:8.8.8.8"])(
    "accepts the public address %s",
    (address) => {
      expect(refusedAddressReason(address)).toBeNull();
    },
  );

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
