/**
 * What a key is, as far as SQL can tell: the precedence of its stored status and expiry, and the
 * "expiring soon" window. Pure, so queries and the domain (lib/keys/status.ts) share one rule.
 */

import { deriveStatus } from "@latchkey/verify/status";
import type { KEY_DISPLAY_STATUSES } from "@/db/enums";
import type { KeyStatus } from "@/db/schema";

export type DisplayStatus = (typeof KEY_DISPLAY_STATUSES)[number];

/** How far ahead a key's expiry is announced ("Expires soon", the banner, the overview). */
export const EXPIRING_SOON_DAYS = 7;
export const EXPIRING_SOON_MS = EXPIRING_SOON_DAYS * 86_400_000;

export { deriveStatus } from "@latchkey/verify/status";

export type StatusCounts = Record<DisplayStatus, number>;

/** Folds per-(stored status, expired) counts into counts by derived status. */
export function countByStatus(
  groups: readonly { status: KeyStatus; expired: boolean; n: number }[],
): StatusCounts {
  const counts: StatusCounts = { active: 0, disabled: 0, revoked: 0, expired: 0 };
  for (const g of groups) counts[deriveStatus(g.status, g.expired)] += g.n;
  return counts;
}
