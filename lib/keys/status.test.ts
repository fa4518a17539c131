import { describe, expect, it } from "vitest";
import { countByStatus, effectiveStatus, isExpiringSoon } from "@/lib/keys/status";

const now = new Date("2026-03-10T12:00:00Z");
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000);

describe("derived key status", () => {
  it("revoked beats expired, expired beats disabled", () => {
    expect(effectiveStatus({ status: "revoked", expiresAt: inDays(-1) }, now)).toBe("revoked");
    expect(effectiveStatus({ status: "disabled", expiresAt: inDays(-1) }, now)).toBe("expired");
    expect(effectiveStatus({ status: "active", expiresAt: now }, now)).toBe("expired");
    expect(effectiveStatus({ status: "active", expiresAt: inDays(1) }, now)).toBe("active");
    expect(effectiveStatus({ status: "disabled", expiresAt: null }, now)).toBe("disabled");
  });

  it("expires soon: still valid and at most 7 days away", () => {
    expect(isExpiringSoon({ status: "active", expiresAt: inDays(7) }, now)).toBe(true);
    expect(isExpiringSoon({ status: "disabled", expiresAt: inDays(0.01) }, now)).toBe(true);
    expect(isExpiringSoon({ status: "active", expiresAt: inDays(7.001) }, now)).toBe(false);
    expect(isExpiringSoon({ status: "active", expiresAt: now }, now)).toBe(false);
    expect(isExpiringSoon({ status: "revoked", expiresAt: inDays(1) }, now)).toBe(false);
    expect(isExpiringSoon({ status: "active", expiresAt: null }, now)).toBe(false);
  });

  it("counts by derived status: an expired key is not active", () => {
    expect(
      countByStatus([
        { status: "active", expired: false, n: 3 },
        { status: "active", expired: true, n: 2 },
        { status: "disabled", expired: true, n: 1 },
        { status: "revoked", expired: true, n: 4 },
      ]),
    ).toEqual({ active: 3, disabled: 0, revoked: 4, expired: 3 });
  });
});
