import { expiryTime } from "@latchkey/verify/status";
import { type DisplayStatus, EXPIRING_SOON_MS } from "@/db/key-status";
import type { KeyStatus } from "@/db/schema";

export {
  countByStatus,
  type DisplayStatus,
  deriveStatus,
  EXPIRING_SOON_DAYS,
  EXPIRING_SOON_MS,
  type StatusCounts,
} from "@/db/key-status";

type KeyTimes = { status: KeyStatus; expiresAt: Date | string | number | null };

export { effectiveStatus, expiryTime } from "@latchkey/verify/status";

/** A key still in use (active or disabled, not yet expired) whose expiry is at most 7 days away. */
export function isExpiringSoon(key: KeyTimes, now: Date | number = Date.now()): boolean {
  if (key.status === "revoked") return false;
  const expiry = expiryTime(key.expiresAt);
  const at = new Date(now).getTime();
  return expiry > at && expiry <= at + EXPIRING_SOON_MS;
}

export const STATUS_LABELS: Record<DisplayStatus, string> = {
  active: "Active",
  disabled: "Disabled",
  revoked: "Revoked",
  expired: "Expired",
};
