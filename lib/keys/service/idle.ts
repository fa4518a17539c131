import type { Db } from "@/db";
import {
  idleActiveKeys,
  lockKeysForUpdate,
  notifyKeysChanged,
  updateApiKey,
} from "@/db/queries/api-keys";
import { idlePolicies } from "@/db/queries/key-policies";
import { type Actor, audit, snapshot } from "@/lib/keys/service/audit";

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
      const rows = await idleActiveKeys(tx, organizationId, cutoff, now);
      if (rows.length === 0) return;
      const locked = await lockKeysForUpdate(
        tx,
        organizationId,
        rows.map((r) => r.id),
      );
      const actor: Actor = { organizationId, userId: null, label: "Key policy" };
      for (const row of locked) {
        if (row.status !== "active") continue;
        await updateApiKey(tx, organizationId, row.id, {
          status: "disabled",
          disabledAt: now,
          disabledReason: "inactive",
          updatedAt: now,
        });
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
