/** What a key is at a given moment: its stored status, or "expired" once its expiry has passed. */
export type KeyStatus = "active" | "disabled" | "revoked";
export type DisplayStatus = KeyStatus | "expired";

/**
 * The one precedence of what a key is: revoked beats expired, expired beats disabled. Used by the
 * verifier's refusal codes and by Latchkey's badges and counts (its SQL filters are the twin).
 */
export function deriveStatus(status: KeyStatus, expired: boolean): DisplayStatus {
  if (status === "revoked") return "revoked";
  if (expired) return "expired";
  return status;
}

type KeyTimes = { status: KeyStatus; expiresAt: Date | string | number | null };

/** When the key expires (epoch ms); a key without an expiry never does. */
export function expiryTime(expiresAt: KeyTimes["expiresAt"]): number {
  return expiresAt === null ? Number.POSITIVE_INFINITY : new Date(expiresAt).getTime();
}

/** What a key is now: expired from the very millisecond of its expiry. */
export function effectiveStatus(key: KeyTimes, now: Date | number = Date.now()): DisplayStatus {
  return deriveStatus(key.status, expiryTime(key.expiresAt) <= new Date(now).getTime());
}
