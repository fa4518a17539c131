/**
 * Every change to a key, whoever asks (settings page or REST API), goes through one module of
 * lib/keys/service/: each writes its audit row in its own transaction and announces the change to
 * every instance's verification cache (NOTIFY, delivered on commit). What they share lives here:
 * who made the change, what the audit trail records of a key, and the audit row with its webhook
 * event, written inside the caller's transaction.
 */
import type { Tx } from "@/db";
import type { lockKeysForUpdate } from "@/db/queries/api-keys";
import { insertAuditEvent } from "@/db/queries/audit";
import { currentCredits } from "@/lib/keys/credits";
import { enqueueKeyEvent } from "@/lib/webhooks/enqueue";

export type Actor = {
  organizationId: string;
  userId: string | null;
  /** Set when the change is made with an API key (management API). */
  keyId?: string | null;
  label: string;
};

/** A key as locked for a change: the listing's columns and the hash. */
export type KeyRow = Awaited<ReturnType<typeof lockKeysForUpdate>>[number];

/** What the audit trail records of a key: never the hash; its credits as they are now. */
export function snapshot(row: Partial<KeyRow>) {
  const credits = currentCredits({
    usageLimit: row.usageLimit ?? null,
    usageRefill: row.usageRefill ?? "never",
    usageRemaining: row.usageRemaining ?? null,
    usagePeriod: row.usagePeriod ?? 0,
  });
  return {
    name: row.name,
    description: row.description,
    environment: row.environment,
    status: row.status,
    scopes: row.scopes,
    expiresAt: row.expiresAt ?? null,
    allowedIps: row.allowedIps,
    rateLimitPerMinute: row.rateLimitPerMinute ?? null,
    webhookUrl: row.webhookUrl ?? null,
    usageLimit: credits.usageLimit,
    usageRefill: credits.usageRefill,
    usageRemaining: credits.usageRemaining,
  };
}

/** Which snapshot fields differ: what a `key.updated` webhook tells the receiver. */
function changedFields(before: object | null, after: object | null): string[] | undefined {
  if (!before || !after) return undefined;
  const a = after as Record<string, unknown>;
  return Object.entries(before)
    .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(a[k]))
    .map(([k]) => k);
}

/**
 * Records a change in the audit trail and, when the key has a webhook, queues the matching event
 * in the same transaction (actions that are not webhook events are not queued). `eventData` adds
 * fields to the event's `data` (e.g. the new key's id on `key.rolled`); never key material.
 */
export async function audit(
  tx: Tx,
  actor: Actor,
  action: string,
  key: { id: string; name: string; webhookUrl?: string | null } | null,
  before: object | null,
  after: object | null,
  /** Context kept with the audit row and sent with the webhook event (e.g. a reason). */
  metadata: Record<string, unknown> | null = null,
) {
  if (key) {
    await enqueueKeyEvent(
      tx,
      { id: key.id, organizationId: actor.organizationId, webhookUrl: key.webhookUrl },
      action,
      { name: key.name, changes: changedFields(before, after), ...metadata },
    );
  }
  await insertAuditEvent(tx, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    actorKeyId: actor.keyId,
    actorLabel: actor.label,
    action,
    key,
    before,
    after,
    metadata,
  });
}
