import type { KeyStatus } from "@/db/schema";

export type DisplayStatus = KeyStatus | "expired";

/** How far ahead a key's expiry is announced ("Expires soon", the banner, the overview). */
export const EXPIRING_SOON_DAYS = 7;
export const EXPIRING_SOON_MS = EXPIRING_SOON_DAYS * 86_400_000;

/**
 * The one derivation of what a key is: revoked beats expired, expired beats disabled. Callers
 * that know only whether a key has expired (aggregates computed in SQL) use it directly.
 */
export function deriveStatus(status: KeyStatus, expired: boolean): DisplayStatus {
  if (status === "revoked") return "revoked";
  if (expired) return "expired";
  return status;
}

const expiryTime = (expiresAt: Date | string | null) =>
  expiresAt ? new Date(expiresAt).getTime() : null;

/** What a key is now. */
export function effectiveStatus(
  key: { status: KeyStatus; expiresAt: Date | string | null },
  now: Date = new Date(),
): DisplayStatus {
  const expiry = expiryTime(key.expiresAt);
  return deriveStatus(key.status, expiry !== null && expiry <= now.getTime());
}

/** A key still in use (active or disabled, not yet expired) whose expiry is at most 7 days away. */
export function isExpiringSoon(
  key: { status: KeyStatus; expiresAt: Date | string | null },
  now: Date = new Date(),
): boolean {
  const expiry = expiryTime(key.expiresAt);
  if (key.status === "revoked" || expiry === null) return false;
  return expiry > now.getTime() && expiry <= now.getTime() + EXPIRING_SOON_MS;
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
