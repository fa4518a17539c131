/**
 * Every change to a key goes through here, whoever asks (settings page or REST API): each one
 * writes its audit row in the same transaction and announces the change to every instance's
 * verification cache (NOTIFY, delivered on commit).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { keysByIds, notifyKeysChanged } from "@/db/queries/api-keys";
import { apiKeys, auditLogs } from "@/db/schema";
import { generateApiKey } from "@/lib/keys/format";
import { GRACE_PERIODS, type GracePeriod } from "@/lib/keys/grace";
import type { CreateKeyInput, UpdateKeyInput } from "@/lib/keys/schemas";
import { effectiveStatus } from "@/lib/keys/status";
import type { Scope } from "@/lib/scopes";

export type Actor = {
  organizationId: string;
  userId: string | null;
  /** Set when the change is made with an API key (management API). */
  keyId?: string | null;
  label: string;
};

export class KeyServiceError extends Error {
  constructor(
    readonly code: "not_found" | "invalid_transition",
    message: string,
  ) {
    super(message);
  }
}

type KeyRow = Awaited<ReturnType<typeof keysByIds>>[number];

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
  };
}

async function audit(
  tx: Tx,
  actor: Actor,
  action: string,
  key: { id: string; name: string },
  before: object | null,
  after: object | null,
  metadata: object | null = null,
) {
  await tx.insert(auditLogs).values({
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    actorKeyId: actor.keyId ?? null,
    actorLabel: actor.label,
    action,
    keyId: key.id,
    keyName: key.name,
    before,
    after,
    metadata,
  });
}

export type CreatedKey = { id: string; key: string; prefix: string };

/** Creates a key; the full key is in the result and nowhere else, ever. */
export async function createKey(
  db: Db,
  actor: Actor,
  input: CreateKeyInput,
  productPrefix: string,
): Promise<CreatedKey> {
  return db.transaction((tx) => insertKey(tx, actor, input, productPrefix));
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
    metadata?: object;
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
    const rows = await keysByIds(tx, actor.organizationId, unique);
    if (rows.length !== unique.length) {
      throw new KeyServiceError(
        "not_found",
        unique.length === 1 ? "This key does not exist." : "Some of these keys do not exist.",
      );
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
export async function updateKey(db: Db, actor: Actor, id: string, patch: KeyPatch) {
  return db.transaction(async (tx) => {
    const [row] = await keysByIds(tx, actor.organizationId, [id]);
    if (!row) throw new KeyServiceError("not_found", "This key does not exist.");
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
    if (Object.keys(changes).length > 0) {
      const [updated] = await tx
        .update(apiKeys)
        .set({ ...changes, updatedAt: new Date() })
        .where(and(eq(apiKeys.organizationId, actor.organizationId), eq(apiKeys.id, id)))
        .returning();
      if (!updated) throw new KeyServiceError("not_found", "This key does not exist.");
      await audit(tx, actor, "key.updated", updated, snapshot(row), snapshot(updated));
      await notifyKeysChanged(tx, [row.hash]);
      changed = true;
      current = updated;
    }
    if (status && status !== row.status) {
      const latest = { ...row, ...changes } as KeyRow;
      await applyStatusChange(tx, actor, [latest], status === "active" ? "enable" : "disable");
      changed = true;
      current = { ...current, status };
    }
    return { changed, status: effectiveStatus(current) };
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
    if (effectiveStatus(row, now) !== "active") {
      throw new KeyServiceError("invalid_transition", "Only an active key can be rolled.");
    }
    const graceEnd = new Date(now.getTime() + GRACE_PERIODS[gracePeriod]);
    const oldExpiresAt =
      row.expiresAt && row.expiresAt.getTime() < graceEnd.getTime() ? row.expiresAt : graceEnd;
    // The new key gets the old one's lifetime afresh, not what was left of it.
    const lifetime = row.expiresAt ? row.expiresAt.getTime() - row.createdAt.getTime() : null;
    const created = await insertKey(
      tx,
      actor,
      {
        name: row.name,
        description: row.description,
        environment: row.environment,
        scopes: row.scopes as Scope[],
        expiresAt: lifetime === null ? null : new Date(now.getTime() + lifetime),
        allowedIps: row.allowedIps,
        rateLimitPerMinute: row.rateLimitPerMinute,
      },
      productPrefix,
      {
        rolledFromId: row.id,
        webhookUrl: row.webhookUrl,
        webhookSecretEnc: row.webhookSecretEnc,
        metadata: { rolledFromId: row.id, rolledFromPrefix: row.prefix },
      },
    );
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
