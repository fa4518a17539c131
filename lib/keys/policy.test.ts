import { describe, expect, it } from "vitest";
import { expirationOptions } from "./expiration";
import {
  DEFAULT_POLICY,
  hasViolations,
  type KeyPolicy,
  keyPolicyFormSchema,
  latestExpiry,
  policyViolations,
} from "./policy";

const DAY = 86_400_000;
const now = new Date("2026-06-01T00:00:00Z");
const policy = (patch: Partial<KeyPolicy> = {}): KeyPolicy => ({ ...DEFAULT_POLICY, ...patch });
const live = { environment: "live" as const, expiresAt: null, allowedIps: [] };

describe("the key policy", () => {
  it("asks nothing by default", () => {
    expect(policyViolations(DEFAULT_POLICY, live, now)).toEqual({});
    expect(latestExpiry(DEFAULT_POLICY, now)).toBeNull();
    expect(hasViolations({})).toBe(false);
  });

  it("bounds the lifetime from when it started, to the millisecond", () => {
    const p = policy({ maxLifetimeDays: 30 });
    expect(latestExpiry(p, now)).toEqual(new Date(now.getTime() + 30 * DAY));
    const at = (ms: number) => ({ ...live, expiresAt: new Date(now.getTime() + ms) });
    expect(policyViolations(p, at(30 * DAY), now)).toEqual({});
    expect(policyViolations(p, at(30 * DAY + 1), now)).toEqual({
      expiresAt: ["The key policy allows keys to live at most 30 days."],
    });
    expect(policyViolations(p, live, now)).toEqual({
      expiresAt: ["The key policy requires an expiry within 30 days."],
    });
    // Measured from `since`, not from now: an older key has less left.
    const since = new Date(now.getTime() - 20 * DAY);
    expect(policyViolations(p, at(11 * DAY), since).expiresAt).toHaveLength(1);
    expect(policyViolations(p, at(10 * DAY), since)).toEqual({});
  });

  it("requires allowed IPs for live keys only", () => {
    const p = policy({ requireAllowedIpsForLive: true });
    const v = policyViolations(p, live, now);
    expect(v).toEqual({ allowedIps: ["The key policy requires allowed IPs for live keys."] });
    expect(hasViolations(v)).toBe(true);
    expect(policyViolations(p, { ...live, allowedIps: ["10.0.0.0/8"] }, now)).toEqual({});
    expect(policyViolations(p, { ...live, environment: "test" }, now)).toEqual({});
  });

  it("does not count an allowlist that lets every address in", () => {
    const p = policy({ requireAllowedIpsForLive: true });
    const refused = (allowedIps: string[]) =>
      policyViolations(p, { ...live, allowedIps }, now).allowedIps ?? [];
    for (const everything of [
      ["0.0.0.0/0"],
      ["::/0"],
      ["10.0.0.1", "::/0"],
      ["0.0.0.0/1", "128.0.0.0/1"],
      // Every public IPv4 address (only multicast and reserved left out).
      ["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"],
      ["::/1"],
      ["2000::/3"],
      ["2000::/4", "3000::/4"],
    ]) {
      expect(refused(everything), everything.join(" ")).toEqual([
        expect.stringContaining("allows every address"),
      ]);
    }
    for (const some of [
      ["10.0.0.0/8"],
      ["0.0.0.0/1"],
      ["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/4"],
      ["2001:db8::/32", "2a00::/12"],
      ["8000::/1"],
      ["not an address", "192.0.2.1"],
    ]) {
      expect(refused(some), some.join(" ")).toEqual([]);
    }
    // Outside the rule: test keys, and organizations that do not require allowed IPs.
    expect(
      policyViolations(p, { ...live, environment: "test", allowedIps: ["::/0"] }, now),
    ).toEqual({});
    expect(policyViolations(DEFAULT_POLICY, { ...live, allowedIps: ["0.0.0.0/0"] }, now)).toEqual(
      {},
    );
  });

  it("offers only the expirations the lifetime allows, without Never", () => {
    const values = (max: number | null) => expirationOptions(max).map((o) => o.value);
    expect(values(null)).toEqual(["never", "7", "30", "60", "90", "custom"]);
    expect(values(30)).toEqual(["7", "30", "custom"]);
    expect(values(90)).toEqual(["7", "30", "60", "90", "custom"]);
    expect(values(365)).toEqual(["7", "30", "60", "90", "custom"]);
  });

  it("reads the policy form: choices only, a checkbox, and 'none' for no limit", () => {
    expect(
      keyPolicyFormSchema.parse({
        maxLifetimeDays: "90",
        requireAllowedIpsForLive: "on",
        disableUnusedAfterDays: "none",
        leakAction: "notify",
      }),
    ).toEqual({
      maxLifetimeDays: 90,
      requireAllowedIpsForLive: true,
      disableUnusedAfterDays: null,
      leakAction: "notify",
    });
    expect(keyPolicyFormSchema.parse({ leakAction: "disable" })).toEqual({
      maxLifetimeDays: null,
      requireAllowedIpsForLive: false,
      disableUnusedAfterDays: null,
      leakAction: "disable",
    });
    expect(
      keyPolicyFormSchema.parse({ maxLifetimeDays: "", leakAction: "revoke" }).maxLifetimeDays,
    ).toBeNull();
    expect(
      keyPolicyFormSchema.parse({ disableUnusedAfterDays: "60", leakAction: "revoke" })
        .disableUnusedAfterDays,
    ).toBe(60);
    const bad = keyPolicyFormSchema.safeParse({
      maxLifetimeDays: "45",
      disableUnusedAfterDays: "7",
      requireAllowedIpsForLive: "yes",
      leakAction: "delete",
    });
    expect(bad.success).toBe(false);
    const fields = bad.error?.issues.map((i) => i.path.join(".")).sort();
    expect(fields).toEqual(["disableUnusedAfterDays", "leakAction", "maxLifetimeDays"]);
    expect(bad.error?.issues.map((i) => i.message).sort()).toEqual([
      "Choose a maximum lifetime.",
      "Choose what happens to a leaked key.",
      "Choose when unused keys are disabled.",
    ]);
    expect(
      keyPolicyFormSchema.parse({ requireAllowedIpsForLive: "true", leakAction: "disable" })
        .requireAllowedIpsForLive,
    ).toBe(true);
    expect(
      keyPolicyFormSchema.parse({ requireAllowedIpsForLive: "yes", leakAction: "disable" })
        .requireAllowedIpsForLive,
    ).toBe(false);
  });
});
