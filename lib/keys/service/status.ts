import type { Db, Tx } from "@/db";
import { lockKeysForUpdate, notifyKeysChanged, updateApiKeys } from "@/db/queries/api-keys";
import { type Actor, audit, type KeyRow, snapshot } from "@/lib/keys/service/audit";
import { KeyServiceError } from "@/lib/keys/service/errors";
import { heldScopes, refuseStronger } from "@/lib/keys/service/guards";

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

/** The status change on rows already locked and authorized, with an audit row per key. */
export async function applyStatusChange(
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
  await updateApiKeys(
    tx,
    actor.organizationId,
    toChange.map((r) => r.id),
    {
      status: rule.to,
      updatedAt: now,
      ...(rule.to === "disabled" ? { disabledAt: now } : {}),
      ...(rule.to === "active" ? { disabledAt: null } : {}),
      ...(rule.to === "revoked" ? { revokedAt: now, revokedBy: actor.userId } : {}),
    },
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
