import type { KEY_DISPLAY_STATUSES } from "@/db/enums";
import type { KeyStatus } from "@/db/schema";

export type DisplayStatus = (typeof KEY_DISPLAY_STATUSES)[number];

/**
 * What a key is now: revoked beats expired, expired beats disabled. The one precedence for the
 * verifier's refusal codes, the UI's badges and (in SQL) the keys list's status filter.
 */
export function effectiveStatus(
  key: { status: KeyStatus; expiresAt: Date | string | number | null },
  now: Date | number = Date.now(),
): DisplayStatus {
  if (key.status === "revoked") return "revoked";
  if (key.expiresAt !== null && new Date(key.expiresAt).getTime() <= new Date(now).getTime()) {
    return "expired";
  }
  return key.status;
}

export const STATUS_LABELS: Record<DisplayStatus, string> = {
  active: "Active",
  disabled: "Disabled",
  revoked: "Revoked",
  expired: "Expired",
};
