/**
 * An organization's key policy and the one check every write path (settings page, REST API, roll)
 * runs before a key is created or changed. Pure: the caller loads the policy and passes the clock.
 */
import { z } from "zod";
import type { KeyPolicy } from "@/db/key-policy";
import type { KeyEnvironment, LeakAction } from "@/db/schema";
import { allowsEveryPublicAddress } from "@/lib/net/ip";

export { DEFAULT_POLICY, type KeyPolicy } from "@/db/key-policy";

export const MAX_LIFETIME_CHOICES = [30, 90, 180, 365] as const;
export const UNUSED_CHOICES = [30, 60, 90] as const;
export const LEAK_ACTION_LABELS: Record<LeakAction, string> = {
  disable: "Disable it",
  revoke: "Revoke it",
  notify: "Only notify",
};

const DAY = 86_400_000;

/** What a key would look like after the write, as far as the policy cares. */
export type PolicyCandidate = {
  environment: KeyEnvironment;
  expiresAt: Date | null;
  allowedIps: readonly string[];
};

export type PolicyViolations = Partial<Record<"expiresAt" | "allowedIps", string[]>>;

/** The latest expiry the policy allows for a key created (or rolled) at `now`. */
export function latestExpiry(policy: KeyPolicy, now: Date): Date | null {
  return policy.maxLifetimeDays === null
    ? null
    : new Date(now.getTime() + policy.maxLifetimeDays * DAY);
}

/**
 * The policy's objections to a key, by field; empty when it complies. `since` is when the key's
 * lifetime started (its creation, or now for a new key or a roll).
 */
export function policyViolations(
  policy: KeyPolicy,
  candidate: PolicyCandidate,
  since: Date,
): PolicyViolations {
  const out: PolicyViolations = {};
  const latest = latestExpiry(policy, since);
  if (latest) {
    const days = policy.maxLifetimeDays;
    if (candidate.expiresAt === null) {
      out.expiresAt = [`The key policy requires an expiry within ${days} days.`];
    } else if (candidate.expiresAt.getTime() > latest.getTime()) {
      out.expiresAt = [`The key policy allows keys to live at most ${days} days.`];
    }
  }
  if (policy.requireAllowedIpsForLive && candidate.environment === "live") {
    if (candidate.allowedIps.length === 0) {
      out.allowedIps = ["The key policy requires allowed IPs for live keys."];
    } else if (allowsEveryPublicAddress(candidate.allowedIps)) {
      // An allowlist that lets every address in is no allowlist.
      out.allowedIps = [
        "The key policy requires allowed IPs for live keys; a list that allows every address (such as 0.0.0.0/0 or ::/0) does not count.",
      ];
    }
  }
  return out;
}

export function hasViolations(v: PolicyViolations): boolean {
  return Object.keys(v).length > 0;
}

const dayChoice = (choices: readonly number[], message: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "" || v === "none") return null;
      const n = Number(v);
      if (!choices.includes(n)) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return n;
    });

/** The policy form as FormData sends it (selects and a checkbox). */
export const keyPolicyFormSchema = z.object({
  maxLifetimeDays: dayChoice(MAX_LIFETIME_CHOICES, "Choose a maximum lifetime."),
  requireAllowedIpsForLive: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
  disableUnusedAfterDays: dayChoice(UNUSED_CHOICES, "Choose when unused keys are disabled."),
  leakAction: z.enum(["disable", "revoke", "notify"], {
    error: "Choose what happens to a leaked key.",
  }),
});
