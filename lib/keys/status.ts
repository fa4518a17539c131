import type { KEY_DISPLAY_STATUSES } from "@/db/enums";
import type { KeyStatus } from "@/db/schema";

export type DisplayStatus = (typeof KEY_DISPLAY_STATUSES)[number];

/** How far ahead a key's expiry is announced ("Expires soon", the banner, the overview). */
export const EXPIRING_SOON_DAYS = 7;
export const EXPIRING_SOON_MS = EXPIRING_SOON_DAYS * 86_400_000;

/**
 * The one precedence of what a key is: revoked beats expired, expired beats disabled. Used by the
 * verifier's refusal codes, the UI's badges and counts computed in SQL (which know only whether
 * a key has expired); the keys list's status filter is its SQL twin.
 */
export function deriveStatus(status: KeyStatus, expired: boolean): DisplayStatus {
  if (status === "revoked") return "revoked";
  if (expired) return "expired";
  return status;
}

type KeyTimes = { status: KeyStatus; expiresAt: Date | string | number | null };

/** When the key expires; a key without an expiry never does. */
function expiryTime(expiresAt: KeyTimes["expiresAt"]): number {
  return expiresAt === null ? Number.POSITIVE_INFINITY : new Date(expiresAt).getTime();
}

/** What a key is now. */
export function effectiveStatus(key: KeyTimes, now: Date | number = Date.now()): DisplayStatus {
  return deriveStatus(key.status, expiryTime(key.expiresAt) <= new Date(now).getTime());
}

/** A key still in use (active or disabled, not yet expired) whose expiry is at most 7 days away. */
export function isExpiringSoon(key: KeyTimes, now: Date | number = Date.now()): boolean {
  if (key.status === "revoked") return false;
  const expiry = expiryTime(key.expiresAt);
  const at = new Date(now).getTime();
  return expiry > at && expiry <= at + EXPIRING_SOON_MS;
}

export type StatusCounts = Record<DisplayStatus, number>;

/** Folds per-(stored status, expired) counts into counts by derived status. */
export function countByStatus(
  groups: readonly { status: KeyStatus; expired: boolean; n: number }[],
): StatusCounts {
  const counts: StatusCounts = { active: 0, disabled: 0, revoked: 0, expired: 0 };
  for (const g of groups) counts[deriveStatus(g.status, g.expired)] += g.n;
  return counts;
}

export const STATUS_LABELS: Record<DisplayStatus, string> = {
  active: "Active",
  disabled: "Disabled",
  revoked: "Revoked",
  expired: "Expired",
};
