/**
 * Every change to a key goes through here, whoever asks (settings page or REST API): each one
 * writes its audit row in the same transaction and announces the change to every instance's
 * verification cache (NOTIFY, delivered on commit).
 */
import { and, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { lockKeysForUpdate, notifyKeysChanged } from "@/db/queries/api-keys";
import { insertAuditEvent } from "@/db/queries/audit";
import { getKeyPolicy, idlePolicies, saveKeyPolicy } from "@/db/queries/key-policies";
import { apiKeys } from "@/db/schema";
import { generateApiKey } from "@/lib/keys/format";
import { GRACE_PERIODS, type GracePeriod } from "@/lib/keys/grace";
import { errorSummary, type LeakCandidate } from "@/lib/keys/leaks";
import {
  hasViolations,
  type KeyPolicy,
  latestExpiry,
  type PolicyCandidate,
  policyViolations,
} from "@/lib/keys/policy";
import type { CreateKeyInput, UpdateKeyInput } from "@/lib/keys/schemas";
import { effectiveStatus } from "@/lib/keys/status";
import type { Scope } from "@/lib/scopes";
import { enqueueKeyEvent } from "@/lib/webhooks/enqueue";
import { encryptWebhookSecret, generateWebhookSecret } from "@/lib/webhooks/secret";

export type Actor = {
  organizationId: string;
  userId: string | null;
  /** Set when the change is made with an API key (management API). */
  keyId?: string | null;
  label: string;
};

export class KeyServiceError extends Error {
  constructor(
    readonly code: "not_found" | "invalid_transition" | "policy_violation" | "insufficient_scope",
    message: string,
    /** Per-field reasons (policy violations), keyed like the create/update input. */
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

/** Refuses a key the organization's policy does not allow, naming the policy per field. */
async function enforcePolicy(
  tx: Tx,
  organizationId: string,
  candidate: PolicyCandidate,
  since: Date,
  fields?: ReadonlySet<string>,
): Promise<void> {
  checkPolicy(await getKeyPolicy(tx, organizationId), candidate, since, fields);
}

function checkPolicy(
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
async function heldScopes(tx: Tx, actor: Actor): Promise<ReadonlySet<string> | null> {
  if (!actor.keyId) return null;
  const [self] = await tx
    .select({ scopes: apiKeys.scopes, status: apiKeys.status, expiresAt: apiKeys.expiresAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, actor.organizationId), eq(apiKeys.id, actor.keyId)));
  return new Set(self && effectiveStatus(self) === "active" ? self.scopes : []);
}

/** A key hands out only scopes it holds (on a new key, or as a key's new scopes). */
function refuseGrant(held: ReadonlySet<string> | null, asked: readonly string[]): void {
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
function refuseStronger(held: ReadonlySet<string> | null, target: Pick<KeyRow, "scopes">): void {
  const missing = held ? target.scopes.filter((s) => !held.has(s)) : [];
  if (missing.length > 0) {
    throw new KeyServiceError(
      "insufficient_scope",
      `This key can only disable or revoke a key holding scopes it does not hold itself: ${missing.join(", ")}.`,
    );
  }
}

type KeyRow = Awaited<ReturnType<typeof lockKeysForUpdate>>[number];

/** What the audit trail records of a key: never the hash. */
function snapshot(row: Partial<KeyRow>) {
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

/** A fresh signing secret: the plain one for the copy card, the encrypted one for the row. */
function newWebhookSecret() {
  const secret = generateWebhookSecret();
  return { secret, encrypted: encryptWebhookSecret(secret) };
}

/**
 * Records a change in the audit trail and, when the key has a webhook, queues the matching event
 * in the same transaction (actions that are not webhook events are not queued). `eventData` adds
 * fields to the event's `data` (e.g. the new key's id on `key.rolled`); never key material.
 */
async function audit(
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

export type CreatedKey = {
  id: string;
  key: string;
  prefix: string;
  /** Only when a webhook URL was given: shown once beside the key, never again. */
  webhookSecret?: string;
};

/** Creates a key; the full key is in the result and nowhere else, ever. */
export async function createKey(
  db: Db,
  actor: Actor,
  input: CreateKeyInput,
  productPrefix: string,
): Promise<CreatedKey> {
  return db.transaction(async (tx) => {
    refuseGrant(await heldScopes(tx, actor), input.scopes);
    await enforcePolicy(tx, actor.organizationId, input, new Date());
    const webhook = input.webhookUrl ? newWebhookSecret() : null;
    const created = await insertKey(tx, actor, input, productPrefix, {
      webhookUrl: webhook ? input.webhookUrl : null,
      webhookSecretEnc: webhook?.encrypted ?? null,
    });
    if (webhook) created.webhookSecret = webhook.secret;
    return created;
  });
}

async function insertKey(
  tx: Tx,
  actor: Actor,
  input: CreateKeyInput,
  productPrefix: string,
  extra: {
    rolledFromId?: string;
    webhookUrl?: string | null;
    webhookSecretEnc?: string | null;
    metadata?: Record<string, unknown>;
  } = {},
): Promise<CreatedKey> {
  const generated = generateApiKey(productPrefix, input.environment);
  const [row] = await tx
    .insert(apiKeys)
    .values({
      organizationId: actor.organizationId,
      createdBy: actor.userId,
      name: input.name,
      description: input.description,
      environment: input.environment,
      prefix: generated.prefix,
      hash: generated.hash,
      scopes: input.scopes,
      expiresAt: input.expiresAt,
      allowedIps: input.allowedIps,
      rateLimitPerMinute: input.rateLimitPerMinute,
      rolledFromId: extra.rolledFromId ?? null,
      webhookUrl: extra.webhookUrl ?? null,
      webhookSecretEnc: extra.webhookSecretEnc ?? null,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  await audit(tx, actor, "key.created", row, null, snapshot(row), extra.metadata ?? null);
  return { id: row.id, key: generated.key, prefix: generated.prefix };
}

export type StatusChange = "disable" | "enable" | "revoke";

const transitions: Record<
  StatusChange,
  { to: "active" | "disabled" | "revoked"; action: string; refuse: (row: KeyRow) => string | null }
> = {
  disable: {
    to: "disabled",
    action: "key.disabled",
    refuse: (row) =>
      row.status === "revoked"
        ? "A revoked key cannot be changed."
        : row.status === "disabled"
          ? "This key is already disabled."
          : null,
  },
  enable: {
    to: "active",
    action: "key.enabled",
    refuse: (row) =>
      row.status === "revoked"
        ? "A revoked key cannot be enabled."
        : row.status === "active"
          ? "This key is already active."
          : null,
  },
  revoke: {
    to: "revoked",
    action: "key.revoked",
    refuse: (row) => (row.status === "revoked" ? "This key is already revoked." : null),
  },
};

export type StatusChangeResult = {
  changed: { id: string; name: string }[];
  skipped: { id: string; name: string; reason: string }[];
};

/**
 * Moves keys of the actor's organization to a new status. Ids outside the organization make the
 * whole call fail (nothing changes); keys already in, or unable to reach, the target status are
 * skipped with a reason.
 */
export async function changeKeyStatus(
  db: Db,
  actor: Actor,
  ids: readonly string[],
  change: StatusChange,
): Promise<StatusChangeResult> {
  const unique = [...new Set(ids)];
  return db.transaction(async (tx) => {
    const rows = await lockKeysForUpdate(tx, actor.organizationId, unique);
    if (rows.length !== unique.length) {
      throw new KeyServiceError(
        "not_found",
        unique.length === 1 ? "This key does not exist." : "Some of these keys do not exist.",
      );
    }
    if (change === "enable") {
      const held = await heldScopes(tx, actor);
      for (const row of rows) refuseStronger(held, row);
    }
    return applyStatusChange(tx, actor, rows, change);
  });
}

async function applyStatusChange(
  tx: Tx,
  actor: Actor,
  rows: KeyRow[],
  change: StatusChange,
): Promise<StatusChangeResult> {
  const rule = transitions[change];
  const result: StatusChangeResult = { changed: [], skipped: [] };
  const now = new Date();
  const toChange: KeyRow[] = [];
  for (const row of rows) {
    const reason = rule.refuse(row);
    if (reason) result.skipped.push({ id: row.id, name: row.name, reason });
    else toChange.push(row);
  }
  if (toChange.length === 0) return result;
  await tx
    .update(apiKeys)
    .set({
      status: rule.to,
      updatedAt: now,
      ...(rule.to === "disabled" ? { disabledAt: now } : {}),
      ...(rule.to === "active" ? { disabledAt: null } : {}),
      ...(rule.to === "revoked" ? { revokedAt: now, revokedBy: actor.userId } : {}),
    })
    .where(
      and(
        eq(apiKeys.organizationId, actor.organizationId),
        inArray(
          apiKeys.id,
          toChange.map((r) => r.id),
        ),
      ),
    );
  for (const row of toChange) {
    // A key acting on itself (e.g. revoking itself over the API) is worth spelling out.
    const metadata = actor.keyId === row.id ? { self: true } : null;
    await audit(
      tx,
      actor,
      rule.action,
      row,
      snapshot(row),
      snapshot({ ...row, status: rule.to }),
      metadata,
    );
    result.changed.push({ id: row.id, name: row.name });
  }
  await notifyKeysChanged(
    tx,
    toChange.map((r) => r.hash),
  );
  return result;
}

export type KeyPatch = UpdateKeyInput & { status?: "active" | "disabled" };

/**
 * Updates a key's editable fields and, optionally, moves it between active and disabled, in one
 * transaction; a revoked key cannot be changed.
 */
export async function updateKey(
  db: Db,
  actor: Actor,
  id: string,
  /** The change, or how to derive it from the locked row (for edits relative to the row). */
  patchOf: KeyPatch | ((row: KeyRow) => KeyPatch),
) {
  return db.transaction(async (tx) => {
    const [row] = await lockKeysForUpdate(tx, actor.organizationId, [id]);
    if (!row) throw new KeyServiceError("not_found", "This key does not exist.");
    const patch = typeof patchOf === "function" ? patchOf(row) : patchOf;
    const held = await heldScopes(tx, actor);
    // What is asked decides, not which fields would end up different; on a stronger key, only
    // disabling is open.
    const asked = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (asked.some(([k, v]) => !(k === "status" && v === "disabled"))) refuseStronger(held, row);
    if (patch.scopes) refuseGrant(held, patch.scopes);
    if (row.status === "revoked") {
      throw new KeyServiceError("invalid_transition", "A revoked key cannot be changed.");
    }
    const { status, ...fields } = patch;
    const changes = Object.fromEntries(
      Object.entries(fields).filter(
        ([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(row[k as keyof KeyRow]),
      ),
    ) as UpdateKeyInput;
    let changed = false;
    let current: Pick<KeyRow, "status" | "expiresAt"> = row;
    let webhookSecret: string | undefined;
    if (Object.keys(changes).length > 0) {
      // Only what this edit touches is held to the policy: renaming an older key stays possible.
      await enforcePolicy(
        tx,
        actor.organizationId,
        {
          environment: row.environment,
          expiresAt: changes.expiresAt !== undefined ? changes.expiresAt : row.expiresAt,
          allowedIps: changes.allowedIps ?? row.allowedIps,
        },
        row.createdAt,
        new Set(Object.keys(changes)),
      );
      // A webhook gets a secret when it is first set and loses it when removed; changing the URL
      // keeps the secret the receiver already verifies with.
      const webhook = changes.webhookUrl && !row.webhookUrl ? newWebhookSecret() : null;
      const secretChange =
        changes.webhookUrl === null
          ? { webhookSecretEnc: null }
          : webhook
            ? { webhookSecretEnc: webhook.encrypted }
            : {};
      const [updated] = await tx
        .update(apiKeys)
        .set({ ...changes, ...secretChange, updatedAt: new Date() })
        .where(and(eq(apiKeys.organizationId, actor.organizationId), eq(apiKeys.id, id)))
        .returning();
      if (!updated) throw new KeyServiceError("not_found", "This key does not exist.");
      await audit(tx, actor, "key.updated", updated, snapshot(row), snapshot(updated));
      await notifyKeysChanged(tx, [row.hash]);
      changed = true;
      current = updated;
      webhookSecret = webhook?.secret;
    }
    if (status && status !== row.status) {
      const latest = { ...row, ...changes } as KeyRow;
      await applyStatusChange(tx, actor, [latest], status === "active" ? "enable" : "disable");
      changed = true;
      current = { ...current, status };
    }
    return {
      changed,
      status: effectiveStatus(current),
      ...(webhookSecret ? { webhookSecret } : {}),
    };
  });
}

export type RolledKey = CreatedKey & { oldKeyId: string; oldKeyExpiresAt: Date };

/**
 * Replaces a key with a new one of the same name, scopes, limits, allowlist and webhook. The old
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
    const [row] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.organizationId, actor.organizationId), eq(apiKeys.id, id)))
      .for("update");
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
    });
    await tx
      .update(apiKeys)
      .set({ expiresAt: oldExpiresAt, updatedAt: now })
      .where(and(eq(apiKeys.organizationId, actor.organizationId), eq(apiKeys.id, row.id)));
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

/** Replaces a key's webhook signing secret; the new one is returned once, for the copy card. */
export async function regenerateWebhookSecret(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const [row] = await lockKeysForUpdate(tx, actor.organizationId, [id]);
    if (!row) throw new KeyServiceError("not_found", "This key does not exist.");
    refuseStronger(await heldScopes(tx, actor), row);
    if (row.status === "revoked") {
      throw new KeyServiceError("invalid_transition", "A revoked key cannot be changed.");
    }
    if (!row.webhookUrl) {
      throw new KeyServiceError("invalid_transition", "This key has no webhook URL.");
    }
    const webhook = newWebhookSecret();
    await tx
      .update(apiKeys)
      .set({ webhookSecretEnc: webhook.encrypted, updatedAt: new Date() })
      .where(and(eq(apiKeys.organizationId, actor.organizationId), eq(apiKeys.id, id)));
    await audit(tx, actor, "key.webhook_secret_regenerated", row, null, null);
    return { webhookSecret: webhook.secret };
  });
}

/**
 * Applies each affected organization's leak policy to the reported keys, once per key: a key
 * already reported keeps its first report (repeats change nothing). One lookup by hash for the
 * whole report; nothing but the hash selects a key. Each key is contained in its own
 * transaction, and a failure with one never spares the others: it is logged (without the key)
 * and tried once more without the report's url and source, which are never a reason to leave a
 * key working. Returns what was done, for logs and tests only: the reporter is never told.
 */
export async function applyLeakReport(
  db: Db,
  candidates: readonly LeakCandidate[],
  now = new Date(),
): Promise<{ id: string; action: string }[]> {
  if (candidates.length === 0) return [];
  const byHash = new Map(candidates.map((c) => [c.hash, c]));
  const matches = await db
    .select({ id: apiKeys.id, organizationId: apiKeys.organizationId, hash: apiKeys.hash })
    .from(apiKeys)
    .where(and(inArray(apiKeys.hash, [...byHash.keys()]), isNull(apiKeys.leakedAt)));
  const done: { id: string; action: string }[] = [];
  for (const match of matches) {
    const report = byHash.get(match.hash);
    for (const context of [
      { url: report?.url ?? null, source: report?.source ?? null },
      { url: null, source: null },
    ]) {
      try {
        const action = await containLeakedKey(db, match, context, now);
        if (action) done.push({ id: match.id, action });
        break;
      } catch (error) {
        console.error(
          `[latchkey] leak containment of key ${match.id} failed:`,
          errorSummary(error),
        );
      }
    }
  }
  return done;
}

/** The leak policy applied to one key, on its locked row; null when there was nothing to do. */
async function containLeakedKey(
  db: Db,
  match: { id: string; organizationId: string },
  report: { url: string | null; source: string | null },
  now: Date,
): Promise<string | null> {
  return db.transaction(async (tx) => {
    const [row] = await lockKeysForUpdate(tx, match.organizationId, [match.id]);
    if (!row || row.leakedAt) return null;
    const policy = await getKeyPolicy(tx, match.organizationId);
    const action =
      row.status === "revoked" || policy.leakAction === "notify"
        ? "notify"
        : policy.leakAction === "revoke"
          ? "revoke"
          : row.status === "disabled"
            ? "notify"
            : "disable";
    const [updated] = await tx
      .update(apiKeys)
      .set({
        leakedAt: now,
        updatedAt: now,
        ...(action === "disable"
          ? { status: "disabled" as const, disabledAt: now, disabledReason: "leaked" }
          : {}),
        ...(action === "revoke" ? { status: "revoked" as const, revokedAt: now } : {}),
      })
      .where(and(eq(apiKeys.organizationId, match.organizationId), eq(apiKeys.id, row.id)))
      .returning();
    if (!updated) return null;
    await audit(
      tx,
      { organizationId: match.organizationId, userId: null, label: "Leak report" },
      "key.leaked",
      row,
      snapshot(row),
      snapshot(updated),
      { ...report, policy: action },
    );
    await notifyKeysChanged(tx, [row.hash]);
    return action;
  });
}

const DAY = 86_400_000;

/**
 * Disables the active keys of organizations whose policy sets an idle limit and that have not
 * been used for that long. A key never used counts from its creation; an admin's later change
 * (such as enabling it again) restarts the count. Safe to run any number of times.
 */
export async function disableIdleKeys(db: Db, now = new Date()): Promise<{ id: string }[]> {
  const disabled: { id: string }[] = [];
  for (const { organizationId, days } of await idlePolicies(db)) {
    const cutoff = new Date(now.getTime() - days * DAY);
    await db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(
          and(
            eq(apiKeys.organizationId, organizationId),
            eq(apiKeys.status, "active"),
            sql`greatest(coalesce(${apiKeys.lastUsedAt}, ${apiKeys.createdAt}), ${apiKeys.updatedAt}) < ${cutoff.toISOString()}::timestamptz`,
            or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
          ),
        );
      if (rows.length === 0) return;
      const locked = await lockKeysForUpdate(
        tx,
        organizationId,
        rows.map((r) => r.id),
      );
      const actor: Actor = { organizationId, userId: null, label: "Key policy" };
      for (const row of locked) {
        if (row.status !== "active") continue;
        await tx
          .update(apiKeys)
          .set({ status: "disabled", disabledAt: now, disabledReason: "inactive", updatedAt: now })
          .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, row.id)));
        await audit(
          tx,
          actor,
          "key.disabled",
          row,
          snapshot(row),
          snapshot({ ...row, status: "disabled" }),
          { reason: "inactive", unusedDays: days },
        );
        disabled.push({ id: row.id });
      }
      await notifyKeysChanged(
        tx,
        locked.map((r) => r.hash),
      );
    });
  }
  return disabled;
}

/** Saves the organization's key policy with an audit row of what changed. */
export async function updateKeyPolicy(
  db: Db,
  actor: Actor,
  policy: KeyPolicy,
): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const before = await getKeyPolicy(tx, actor.organizationId);
    if (JSON.stringify(before) === JSON.stringify({ ...before, ...policy })) {
      return { changed: false };
    }
    await saveKeyPolicy(tx, actor.organizationId, actor.userId, policy);
    await audit(tx, actor, "policy.updated", null, before, policy);
    return { changed: true };
  });
}
