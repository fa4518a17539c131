import type { Db } from "@/db";
import {
  lockKeysForUpdate,
  notifyKeysChanged,
  unleakedKeysByHash,
  updateApiKey,
} from "@/db/queries/api-keys";
import { getKeyPolicy } from "@/db/queries/key-policies";
import { errorSummary, type LeakCandidate } from "@/lib/keys/leaks";
import { audit, snapshot } from "@/lib/keys/service/audit";
import { enqueueKeyEvent } from "@/lib/webhooks/enqueue";

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
  const matches = await unleakedKeysByHash(db, [...byHash.keys()]);
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
    const updated = await updateApiKey(tx, match.organizationId, row.id, {
      leakedAt: now,
      updatedAt: now,
      ...(action === "disable"
        ? { status: "disabled" as const, disabledAt: now, disabledReason: "leaked" }
        : {}),
      ...(action === "revoke" ? { status: "revoked" as const, revokedAt: now } : {}),
    });
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
    // A subscriber that follows status changes sees this one too: `key.leaked` says why, and the
    // status event says what changed (the audit trail has the one `key.leaked` row).
    if (action !== "notify") {
      await enqueueKeyEvent(
        tx,
        { id: row.id, organizationId: match.organizationId, webhookUrl: row.webhookUrl },
        action === "revoke" ? "key.revoked" : "key.disabled",
        { name: row.name, changes: ["status"], reason: "leaked" },
      );
    }
    await notifyKeysChanged(tx, [row.hash]);
    return action;
  });
}
