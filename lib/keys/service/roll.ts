import type { Db } from "@/db";
import { lockKeyRowForUpdate, notifyKeysChanged, updateApiKey } from "@/db/queries/api-keys";
import { getKeyPolicy } from "@/db/queries/key-policies";
import { GRACE_PERIODS, type GracePeriod } from "@/lib/keys/grace";
import { latestExpiry } from "@/lib/keys/policy";
import type { CreateKeyInput } from "@/lib/keys/schemas";
import { type Actor, audit, snapshot } from "@/lib/keys/service/audit";
import { type CreatedKey, insertKey } from "@/lib/keys/service/create";
import { KeyServiceError } from "@/lib/keys/service/errors";
import { checkPolicy, heldScopes, refuseStronger } from "@/lib/keys/service/guards";
import { effectiveStatus } from "@/lib/keys/status";
import type { Scope } from "@/lib/scopes";

export type RolledKey = CreatedKey & { oldKeyId: string; oldKeyExpiresAt: Date };

/**
 * Replaces a key with a new one of the same name, scopes, limits, credits, allowlist and webhook. The old
 * key keeps working until the grace period ends (never longer than it would have anyway); both
 * audit rows name the other key. A rolled key can be rolled again: each roll is its own pair.
 */
export async function rollKey(
  db: Db,
  actor: Actor,
  id: string,
  gracePeriod: GracePeriod,
  productPrefix: string,
  now: Date = new Date(),
): Promise<RolledKey> {
  return db.transaction(async (tx) => {
    const row = await lockKeyRowForUpdate(tx, actor.organizationId, id);
    if (!row) throw new KeyServiceError("not_found", "This key does not exist.");
    // The new key carries the old one's scopes: for an acting key, a grant like any other.
    refuseStronger(await heldScopes(tx, actor), row);
    if (effectiveStatus(row, now) !== "active") {
      throw new KeyServiceError("invalid_transition", "Only an active key can be rolled.");
    }
    const policy = await getKeyPolicy(tx, actor.organizationId);
    const graceEnd = new Date(now.getTime() + GRACE_PERIODS[gracePeriod]);
    const oldExpiresAt =
      row.expiresAt && row.expiresAt.getTime() < graceEnd.getTime() ? row.expiresAt : graceEnd;
    // The new key gets the old one's lifetime afresh, not what was left of it.
    const lifetime = row.expiresAt ? row.expiresAt.getTime() - row.createdAt.getTime() : null;
    const replacement: CreateKeyInput = {
      name: row.name,
      description: row.description,
      environment: row.environment,
      scopes: row.scopes as Scope[],
      // …bounded by the organization's maximum lifetime, which a roll cannot extend.
      expiresAt: earliest(
        lifetime === null ? null : new Date(now.getTime() + lifetime),
        latestExpiry(policy, now),
      ),
      allowedIps: row.allowedIps,
      rateLimitPerMinute: row.rateLimitPerMinute,
      usageLimit: row.usageLimit,
      usageRefill: row.usageRefill,
    };
    // A new key like any other: a key made before the policy is not rolled into another one
    // that breaks it.
    checkPolicy(
      policy,
      replacement,
      now,
      undefined,
      "Change this key's settings to comply, then roll it.",
    );
    const created = await insertKey(tx, actor, replacement, productPrefix, {
      rolledFromId: row.id,
      webhookUrl: row.webhookUrl,
      webhookSecretEnc: row.webhookSecretEnc,
      metadata: { rolledFromId: row.id, rolledFromPrefix: row.prefix },
      // What is left, not a fresh limit: rolling is no top-up. The old key keeps its own credits
      // for its grace period.
      credits: {
        usageLimit: row.usageLimit,
        usageRefill: row.usageRefill,
        usageRemaining: row.usageRemaining,
        usagePeriod: row.usagePeriod,
      },
    });
    await updateApiKey(tx, actor.organizationId, row.id, {
      expiresAt: oldExpiresAt,
      updatedAt: now,
    });
    await audit(
      tx,
      actor,
      "key.rolled",
      row,
      snapshot(row),
      snapshot({ ...row, expiresAt: oldExpiresAt }),
      { rolledToId: created.id, rolledToPrefix: created.prefix, gracePeriod },
    );
    await notifyKeysChanged(tx, [row.hash]);
    return { ...created, oldKeyId: row.id, oldKeyExpiresAt: oldExpiresAt };
  });
}

const earliest = (a: Date | null, b: Date | null): Date | null =>
  a === null ? b : b === null ? a : a.getTime() <= b.getTime() ? a : b;
