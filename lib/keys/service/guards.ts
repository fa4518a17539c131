/**
 * The checks a key change passes inside its transaction, before it writes: the organization's
 * policy, and what an acting API key may hand out or touch (judged on the locked row).
 */
import type { Tx } from "@/db";
import { keyScopesAndStatus } from "@/db/queries/api-keys";
import { getKeyPolicy } from "@/db/queries/key-policies";
import {
  hasViolations,
  type KeyPolicy,
  type PolicyCandidate,
  policyViolations,
} from "@/lib/keys/policy";
import type { Actor, KeyRow } from "@/lib/keys/service/audit";
import { KeyServiceError } from "@/lib/keys/service/errors";
import { effectiveStatus } from "@/lib/keys/status";

/** Refuses a key the organization's policy does not allow, naming the policy per field. */
export async function enforcePolicy(
  tx: Tx,
  organizationId: string,
  candidate: PolicyCandidate,
  since: Date,
  fields?: ReadonlySet<string>,
): Promise<void> {
  checkPolicy(await getKeyPolicy(tx, organizationId), candidate, since, fields);
}

export function checkPolicy(
  policy: KeyPolicy,
  candidate: PolicyCandidate,
  since: Date,
  fields?: ReadonlySet<string>,
  /** Said after the policy's own words: what to do about it. */
  advice?: string,
): void {
  const violations = Object.fromEntries(
    Object.entries(policyViolations(policy, candidate, since)).filter(
      ([field]) => !fields || fields.has(field),
    ),
  );
  if (hasViolations(violations)) {
    const message = Object.values(violations).flat().join(" ");
    throw new KeyServiceError(
      "policy_violation",
      advice ? `${message} ${advice}` : message,
      violations as Record<string, string[]>,
    );
  }
}

/**
 * The scopes an acting API key holds, read in the caller's transaction (never from the
 * verification cache, which may lag a change by up to a second); null for a person, whom the
 * role checked before bounds instead. A key no longer active holds nothing.
 */
export async function heldScopes(tx: Tx, actor: Actor): Promise<ReadonlySet<string> | null> {
  if (!actor.keyId) return null;
  const self = await keyScopesAndStatus(tx, actor.organizationId, actor.keyId);
  return new Set(self && effectiveStatus(self) === "active" ? self.scopes : []);
}

/** A key hands out only scopes it holds (on a new key, or as a key's new scopes). */
export function refuseGrant(held: ReadonlySet<string> | null, asked: readonly string[]): void {
  const missing = held ? [...new Set(asked)].filter((s) => !held.has(s)) : [];
  if (missing.length > 0) {
    throw new KeyServiceError(
      "insufficient_scope",
      `This key cannot grant scopes it does not hold: ${missing.join(", ")}.`,
    );
  }
}

/**
 * A key changes, enables, rolls or re-keys the webhook of only keys whose scopes it holds all of:
 * loosening a stronger key (its allowlist, expiry, rate limit, webhook) or switching it back on is
 * as good as holding its scopes. Disabling and revoking stay open to it: containment never waits.
 * Called on the locked row.
 */
export function refuseStronger(
  held: ReadonlySet<string> | null,
  target: Pick<KeyRow, "scopes">,
): void {
  const missing = held ? target.scopes.filter((s) => !held.has(s)) : [];
  if (missing.length > 0) {
    throw new KeyServiceError(
      "insufficient_scope",
      `This key can only disable or revoke a key holding scopes it does not hold itself: ${missing.join(", ")}.`,
    );
  }
}
