import type { KeyStatus } from "@/db/schema";

export type DisplayStatus = KeyStatus | "expired";

/** What a key is now: revoked beats expired, expired beats disabled. */
export function effectiveStatus(
  key: { status: KeyStatus; expiresAt: Date | string | null },
  now: Date = new Date(),
): DisplayStatus {
  if (key.status === "revoked") return "revoked";
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now.getTime()) return "expired";
  return key.status;
}

export const STATUS_LABELS: Record<DisplayStatus, string> = {
  active: "Active",
  disabled: "Disabled",
  revoked: "Revoked",
  expired: "Expired",
};
