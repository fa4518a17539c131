import { describe, expect, it } from "vitest";
import {
  type Credits,
  currentCredits,
  isUsageExhausted,
  newKeyCredits,
  nextRefill,
  planCredits,
  usageLeftText,
} from "./credits";

const DAY = 86_400_000;
// 2026-05-10T12:00:00Z: UTC day 20583, month (2026 - 1970) * 12 + 4 = 676.
const NOW = Date.UTC(2026, 4, 10, 12);
const TODAY = Math.floor(NOW / DAY);
const MAY = 676;

const limited = (patch: Partial<Credits> = {}): Credits => ({
  usageLimit: 10,
  usageRefill: "never",
  usageRemaining: 7,
  usagePeriod: 0,
  ...patch,
});
const unlimited: Credits = {
  usageLimit: null,
  usageRefill: "never",
  usageRemaining: null,
  usagePeriod: 0,
};

describe("a new key's credits", () => {
  it("start full in the current period", () => {
    expect(newKeyCredits(5, "daily", NOW)).toEqual({
      usageLimit: 5,
      usageRefill: "daily",
      usageRemaining: 5,
      usagePeriod: TODAY,
    });
    expect(newKeyCredits(5, "monthly", NOW).usagePeriod).toBe(MAY);
    expect(newKeyCredits(null, "never", NOW)).toEqual(unlimited);
  });
});

describe("the credits as they are now", () => {
  it("count a refill that came due since the counter was written", () => {
    const stale = limited({ usageRefill: "daily", usageRemaining: 0, usagePeriod: TODAY - 1 });
    expect(currentCredits(stale, NOW)).toMatchObject({ usageRemaining: 10, usagePeriod: TODAY });
    expect(isUsageExhausted(stale, NOW)).toBe(false);
    const fresh = limited({ usageRefill: "daily", usageRemaining: 0, usagePeriod: TODAY });
    expect(currentCredits(fresh, NOW)).toBe(fresh);
    expect(isUsageExhausted(fresh, NOW)).toBe(true);
  });

  it("never refill a key without refill or without a limit", () => {
    const spent = limited({ usageRemaining: 0 });
    expect(currentCredits(spent, NOW)).toBe(spent);
    expect(isUsageExhausted(spent, NOW)).toBe(true);
    expect(currentCredits(unlimited, NOW)).toBe(unlimited);
    expect(isUsageExhausted(unlimited, NOW)).toBe(false);
  });

  it("read as “N of M”, with the refill when there is one", () => {
    expect(usageLeftText(limited(), NOW)).toBe("7 of 10");
    expect(usageLeftText(limited({ usageRefill: "daily", usagePeriod: TODAY }), NOW)).toBe(
      "7 of 10 · refills daily",
    );
    expect(usageLeftText(limited({ usageRefill: "monthly", usagePeriod: MAY - 1 }), NOW)).toBe(
      "10 of 10 · refills monthly",
    );
    expect(usageLeftText(limited({ usageLimit: 25_000, usageRemaining: 1_500 }), NOW)).toBe(
      "1,500 of 25,000",
    );
    expect(usageLeftText(unlimited, NOW)).toBe("Unlimited");
  });

  it("say when the next refill is", () => {
    expect(nextRefill(limited({ usageRefill: "daily", usagePeriod: TODAY }), NOW)).toBe(
      (TODAY + 1) * DAY,
    );
    expect(nextRefill(limited({ usageRefill: "monthly", usagePeriod: MAY }), NOW)).toBe(
      Date.UTC(2026, 5, 1),
    );
    expect(nextRefill(limited(), NOW)).toBeNull();
    expect(nextRefill(unlimited, NOW)).toBeNull();
  });
});

describe("an edit of the credits", () => {
  const plan = (row: Credits, patch: Parameters<typeof planCredits>[1]) =>
    planCredits(row, patch, NOW);

  it("moves what is left by the difference of the limits, never below 0", () => {
    expect(plan(limited(), { usageLimit: 15 })).toEqual({
      ok: true,
      credits: { usageLimit: 15, usageRefill: "never", usageRemaining: 12, usagePeriod: 0 },
    });
    expect(plan(limited(), { usageLimit: 5 })).toMatchObject({
      credits: { usageLimit: 5, usageRemaining: 2 },
    });
    expect(plan(limited(), { usageLimit: 1 })).toMatchObject({
      credits: { usageLimit: 1, usageRemaining: 0 },
    });
  });

  it("starts a first limit full, and forgets what is left without one", () => {
    expect(plan(unlimited, { usageLimit: 50, usageRefill: "daily" })).toEqual({
      ok: true,
      credits: { usageLimit: 50, usageRefill: "daily", usageRemaining: 50, usagePeriod: TODAY },
    });
    expect(plan(limited(), { usageLimit: null })).toEqual({
      ok: true,
      credits: { usageLimit: null, usageRefill: "never", usageRemaining: null, usagePeriod: 0 },
    });
  });

  it("tops up to an explicit number, which wins over a new limit", () => {
    expect(plan(limited({ usageRemaining: 0 }), { usageRemaining: 5 })).toMatchObject({
      credits: { usageLimit: 10, usageRemaining: 5 },
    });
    expect(plan(limited(), { usageLimit: 20, usageRemaining: 3 })).toMatchObject({
      credits: { usageLimit: 20, usageRemaining: 3 },
    });
    // More than the limit is allowed: a one-off allowance on top of it.
    expect(plan(limited(), { usageRemaining: 100 })).toMatchObject({
      credits: { usageRemaining: 100 },
    });
  });

  it("puts a change of refill in the new refill's current period, keeping what is left", () => {
    expect(plan(limited(), { usageRefill: "monthly" })).toEqual({
      ok: true,
      credits: { usageLimit: 10, usageRefill: "monthly", usageRemaining: 7, usagePeriod: MAY },
    });
    expect(
      plan(limited({ usageRefill: "daily", usagePeriod: TODAY }), { usageRefill: "never" }),
    ).toMatchObject({ credits: { usageRefill: "never", usagePeriod: 0, usageRemaining: 7 } });
  });

  it("starts from the refill already due, so a top-up is not undone by it", () => {
    const stale = limited({ usageRefill: "daily", usageRemaining: 0, usagePeriod: TODAY - 3 });
    expect(plan(stale, { usageLimit: 20 })).toMatchObject({
      credits: { usageLimit: 20, usageRemaining: 20, usagePeriod: TODAY },
    });
    expect(plan(stale, { usageRemaining: 40 })).toMatchObject({
      credits: { usageRemaining: 40, usagePeriod: TODAY },
    });
  });

  it("changes nothing when every value stays", () => {
    expect(plan(limited(), {})).toEqual({ ok: true, credits: null });
    expect(plan(limited(), { usageLimit: 10, usageRefill: "never", usageRemaining: 7 })).toEqual({
      ok: true,
      credits: null,
    });
    expect(plan(unlimited, { usageLimit: null, usageRefill: "never" })).toEqual({
      ok: true,
      credits: null,
    });
    // A refill due is the engine's to write, not a change.
    const stale = limited({ usageRefill: "daily", usageRemaining: 0, usagePeriod: TODAY - 1 });
    expect(plan(stale, { usageLimit: 10, usageRefill: "daily" })).toEqual({
      ok: true,
      credits: null,
    });
  });

  it("refuses a refill or a top-up without a limit, naming the field", () => {
    expect(plan(unlimited, { usageRefill: "daily" })).toEqual({
      ok: false,
      fieldErrors: { usageRefill: ["Set a usage limit to refill it."] },
    });
    expect(plan(limited({ usageRefill: "daily" }), { usageLimit: null })).toMatchObject({
      ok: false,
      fieldErrors: { usageRefill: expect.any(Array) },
    });
    expect(plan(unlimited, { usageRemaining: 5 })).toMatchObject({
      ok: false,
      fieldErrors: { usageRemaining: expect.any(Array) },
    });
    expect(plan(limited(), { usageLimit: null, usageRemaining: 5 })).toMatchObject({
      ok: false,
    });
  });
});
