import type { Db } from "@/db";
import { getKeyPolicy, saveKeyPolicy } from "@/db/queries/key-policies";
import type { KeyPolicy } from "@/lib/keys/policy";
import { type Actor, audit } from "@/lib/keys/service/audit";

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
