/**
 * Every change to a key goes through here, whoever asks (settings page or REST API): each one
 * writes its audit row in the same transaction and announces the change to every instance's
 * verification cache (NOTIFY, delivered on commit).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { lockKeysForUpdate, notifyKeysChanged } from "@/db/queries/api-keys";
import { insertAuditEvent } from "@/db/queries/audit";
import { apiKeys } from "@/db/schema";
import { generateApiKey } from "@/lib/keys/format";
import type { CreateKeyInput, UpdateKeyInput } from "@/lib/keys/schemas";
import { effectiveStatus } from "@/lib/keys/status";

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
  };
}

async function audit(
  tx: Tx,
  actor: Actor,
  action: string,
  key: { id: string; name: string },
  before: object | null,
  after: object | null,
) {
  await insertAuditEvent(tx, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    actorKeyId: actor.keyId,
    actorLabel: actor.label,
    action,
    key: { id: key.id, name: key.name },
    before,
    after,
  });
}

export type CreatedKey = { id: string; key: string; prefix: string };

/** Creates a key; the full key is in the result and nowhere else, ever. */
export async function createKey(
  db: Db,
  actor: Actor,
  input: CreateKeyInput,
  productPrefix: string,
  extra: { rolledFromId?: string } = {},
): Promise<CreatedKey> {
  const generated = generateApiKey(productPrefix, input.environment);
  return db.transaction(async (tx) => {
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
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    await audit(tx, actor, "key.created", row, null, snapshot(row));
    return { id: row.id, key: generated.key, prefix: generated.prefix };
  });
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
  const rule = transitions[change];
  return db.transaction(async (tx) => {
    const rows = await lockKeysForUpdate(tx, actor.organizationId, unique);
    if (rows.length !== unique.length) {
      throw new KeyServiceError(
        "not_found",
        unique.length === 1 ? "This key does not exist." : "Some of these keys do not exist.",
      );
    }
    const result: StatusChangeResult = { changed: [], skipped: [] };
    const now = new Date();
    const toChange: KeyRow[] = [];
    for (const row of rows) {
      const reason = rule.refuse(row);
      if (reason) result.skipped.push({ id: row.id, name: row.name, reason });
      else toChange.push(row);
    }
    if (toChange.length) {
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
        await audit(
          tx,
          actor,
          rule.action,
          row,
          snapshot(row),
          snapshot({ ...row, status: rule.to }),
        );
        result.changed.push({ id: row.id, name: row.name });
      }
      await notifyKeysChanged(
        tx,
        toChange.map((r) => r.hash),
      );
    }
    return result;
  });
}

/** Updates a key's editable fields; a revoked key cannot be changed. */
export async function updateKey(db: Db, actor: Actor, id: string, patch: UpdateKeyInput) {
  return db.transaction(async (tx) => {
    const [row] = await lockKeysForUpdate(tx, actor.organizationId, [id]);
    if (!row) throw new KeyServiceError("not_found", "This key does not exist.");
    if (row.status === "revoked") {
      throw new KeyServiceError("invalid_transition", "A revoked key cannot be changed.");
    }
    const changes = Object.fromEntries(
      Object.entries(patch).filter(
        ([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(row[k as keyof KeyRow]),
      ),
    ) as UpdateKeyInput;
    if (Object.keys(changes).length === 0) return { changed: false, status: effectiveStatus(row) };
    const [updated] = await tx
      .update(apiKeys)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(apiKeys.organizationId, actor.organizationId), eq(apiKeys.id, id)))
      .returning();
    if (!updated) throw new KeyServiceError("not_found", "This key does not exist.");
    await audit(tx, actor, "key.updated", updated, snapshot(row), snapshot(updated));
    await notifyKeysChanged(tx, [row.hash]);
    return { changed: true, status: effectiveStatus(updated) };
  });
}
