/** The shape of a stored key policy and what an organization that never saved one gets. Pure. */
import type { LeakAction } from "@/db/schema";

export type KeyPolicy = {
  /** Keys may live at most this many days from creation (or from a roll); null = no limit. */
  maxLifetimeDays: number | null;
  requireAllowedIpsForLive: boolean;
  /** Keys unused for this many days are disabled by the idle sweep; null = never. */
  disableUnusedAfterDays: number | null;
  leakAction: LeakAction;
};

export const DEFAULT_POLICY: KeyPolicy = {
  maxLifetimeDays: null,
  requireAllowedIpsForLive: false,
  disableUnusedAfterDays: null,
  leakAction: "disable",
};
