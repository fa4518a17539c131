/**
 * A key's credits as an admin sees and sets them: how many requests it may still make in the
 * current refill period, and what an edit does to them. Pure: the key service applies the result
 * on the locked row, the pages and the API show it.
 */
import { nextRefillAt, periodOf } from "@latchkey/verify/credits/period";
import type { UsageRefill } from "@/db/schema";

/** The most credits a key can be given, as a limit or as what is left. */
export const MAX_USAGE = 1_000_000_000;

export type Credits = {
  usageLimit: number | null;
  usageRefill: UsageRefill;
  usageRemaining: number | null;
  usagePeriod: number;
};

export type CreditsPatch = {
  usageLimit?: number | null;
  usageRefill?: UsageRefill;
  /** Sets what is left explicitly: a top-up (only for a key with a limit). */
  usageRemaining?: number;
};

export const USAGE_REFILL_LABELS: Record<UsageRefill, string> = {
  never: "Never",
  daily: "Every day",
  monthly: "Every month",
};

/**
 * The credits as they are at `now`: a key whose refill came due since its counter was last
 * written has its whole limit again (the spending engine writes that refill on its next spend;
 * until then the stored row still holds the old period).
 */
export function currentCredits<T extends Credits>(row: T, now: number = Date.now()): T {
  if (row.usageLimit === null || row.usageRefill === "never") return row;
  const period = periodOf(row.usageRefill, now);
  return row.usagePeriod < period
    ? { ...row, usageRemaining: row.usageLimit, usagePeriod: period }
    : row;
}

export type CreditsPlan =
  | { ok: true; credits: Credits | null }
  | { ok: false; fieldErrors: Record<string, string[]> };

export const REFILL_NEEDS_LIMIT = "Set a usage limit to refill it.";
export const TOP_UP_NEEDS_LIMIT =
  "This key has no usage limit: set one before setting what is left.";

/**
 * What an edit makes of a key's credits, judged on the row as it is now: null when nothing
 * changes. A new limit moves what is left by the difference (never below 0), so raising it by 100
 * gives 100 more and lowering it takes them back; a first limit starts full; no limit leaves
 * nothing to count. An explicit `usageRemaining` wins. The result belongs to the refill period of
 * `now`, so a change of refill or a top-up is not undone by a refill that was already due.
 */
export function planCredits(row: Credits, patch: CreditsPatch, now: number): CreditsPlan {
  const current = currentCredits(row, now);
  const limit = patch.usageLimit !== undefined ? patch.usageLimit : current.usageLimit;
  const refill = patch.usageRefill ?? current.usageRefill;
  const fieldErrors: Record<string, string[]> = {};
  if (limit === null && refill !== "never") fieldErrors.usageRefill = [REFILL_NEEDS_LIMIT];
  if (limit === null && patch.usageRemaining !== undefined) {
    fieldErrors.usageRemaining = [TOP_UP_NEEDS_LIMIT];
  }
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };

  let remaining: number | null;
  if (limit === null) remaining = null;
  else if (patch.usageRemaining !== undefined) remaining = patch.usageRemaining;
  else if (current.usageLimit === null) remaining = limit;
  else {
    const left = current.usageRemaining ?? current.usageLimit;
    remaining = Math.min(MAX_USAGE, Math.max(0, left + limit - current.usageLimit));
  }
  if (
    limit === current.usageLimit &&
    refill === current.usageRefill &&
    remaining === current.usageRemaining
  ) {
    return { ok: true, credits: null };
  }
  return {
    ok: true,
    credits: {
      usageLimit: limit,
      usageRefill: refill,
      usageRemaining: remaining,
      usagePeriod: periodOf(refill, now),
    },
  };
}

/** The credits of a new key: full, in the current period. */
export function newKeyCredits(
  usageLimit: number | null,
  usageRefill: UsageRefill,
  now: number,
): Credits {
  return {
    usageLimit,
    usageRefill,
    usageRemaining: usageLimit,
    usagePeriod: periodOf(usageRefill, now),
  };
}

/** A key with a limit and nothing left of it now. */
export function isUsageExhausted(row: Credits, now: number = Date.now()): boolean {
  const current = currentCredits(row, now);
  return current.usageLimit !== null && (current.usageRemaining ?? 0) <= 0;
}

/** When the credits come back next (epoch ms), or null when they never do. */
export function nextRefill(row: Credits, now: number = Date.now()): number | null {
  if (row.usageLimit === null) return null;
  const current = currentCredits(row, now);
  return nextRefillAt(current.usageRefill, current.usagePeriod);
}

const count = (n: number) => n.toLocaleString("en-US");

/** "7 of 10 · refills daily", "0 of 5", or "Unlimited". */
export function usageLeftText(row: Credits, now: number = Date.now()): string {
  const current = currentCredits(row, now);
  if (current.usageLimit === null) return "Unlimited";
  const left = `${count(current.usageRemaining ?? 0)} of ${count(current.usageLimit)}`;
  return current.usageRefill === "never" ? left : `${left} · refills ${current.usageRefill}`;
}
