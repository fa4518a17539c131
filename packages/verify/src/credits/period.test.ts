import { describe, expect, it } from "vitest";
import { nextRefillAt, periodOf } from "./period.ts";

describe("refill periods", () => {
  it("numbers UTC days and months, and 0 without refill", () => {
    const at = Date.UTC(2026, 11, 4, 23, 59, 59, 999);
    expect(periodOf("never", at)).toBe(0);
    expect(periodOf("daily", at)).toBe(Math.floor(at / 86_400_000));
    expect(periodOf("daily", at + 1)).toBe(periodOf("daily", at) + 1);
    expect(periodOf("monthly", at)).toBe(56 * 12 + 11);
    expect(periodOf("monthly", Date.UTC(2027, 0, 1))).toBe(57 * 12);
  });

  it("gives the next refill at the first millisecond of the next period", () => {
    const at = Date.UTC(2026, 11, 4, 10);
    expect(nextRefillAt("never", periodOf("never", at))).toBeNull();
    expect(nextRefillAt("daily", periodOf("daily", at))).toBe(Date.UTC(2026, 11, 5));
    expect(nextRefillAt("monthly", periodOf("monthly", at))).toBe(Date.UTC(2027, 0, 1));
    const end = nextRefillAt("monthly", periodOf("monthly", at)) as number;
    expect(periodOf("monthly", end - 1)).toBe(periodOf("monthly", at));
    expect(periodOf("monthly", end)).toBe(periodOf("monthly", at) + 1);
  });
});
