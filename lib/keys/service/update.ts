import type { Db } from "@/db";
import {
  creditsChange,
  lockKeysForUpdate,
  notifyKeysChanged,
  updateApiKey,
} from "@/db/queries/api-keys";
import { planCredits } from "@/lib/keys/credits";
import type { UpdateKeyInput } from "@/lib/keys/schemas";
import { type Actor, audit, type KeyRow, snapshot } from "@/lib/keys/service/audit";
import { KeyServiceError } from "@/lib/keys/service/errors";
import { enforcePolicy, heldScopes, refuseGrant, refuseStronger } from "@/lib/keys/service/guards";
import { applyStatusChange } from "@/lib/keys/service/status";
import { newWebhookSecret } from "@/lib/keys/service/webhook-secret";
import { effectiveStatus } from "@/lib/keys/status";

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
    const { status, usageLimit, usageRefill, usageRemaining, ...fields } = patch;
    const changes = Object.fromEntries(
      Object.entries(fields).filter(
        ([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(row[k as keyof KeyRow]),
      ),
    ) as UpdateKeyInput;
    // The credits move as a whole, judged on the locked row's credits as they are now.
    const plan = planCredits(row, { usageLimit, usageRefill, usageRemaining }, Date.now());
    if (!plan.ok) {
      throw new KeyServiceError(
        "invalid_input",
        Object.values(plan.fieldErrors).flat().join(" "),
        plan.fieldErrors,
      );
    }
    const credits = plan.credits;
    let changed = false;
    let current: Pick<KeyRow, "status" | "expiresAt"> = row;
    let webhookSecret: string | undefined;
    if (Object.keys(changes).length > 0 || credits) {
      // Only what this edit touches is held to the policy (which says nothing of credits):
      // renaming an older key stays possible.
      if (Object.keys(changes).length > 0) {
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
      }
      // A webhook gets a secret when it is first set and loses it when removed; changing the URL
      // keeps the secret the receiver already verifies with.
      const webhook = changes.webhookUrl && !row.webhookUrl ? newWebhookSecret() : null;
      const secretChange =
        changes.webhookUrl === null
          ? { webhookSecretEnc: null }
          : webhook
            ? { webhookSecretEnc: webhook.encrypted }
            : {};
      const updated = await updateApiKey(tx, actor.organizationId, id, {
        ...changes,
        ...secretChange,
        ...(credits ? creditsChange(credits) : {}),
        updatedAt: new Date(),
      });
      if (!updated) throw new KeyServiceError("not_found", "This key does not exist.");
      await audit(tx, actor, "key.updated", updated, snapshot(row), snapshot(updated));
      await notifyKeysChanged(tx, [row.hash]);
      changed = true;
      current = updated;
      webhookSecret = webhook?.secret;
    }
    if (status && status !== row.status) {
      const latest = { ...row, ...changes, ...credits } as KeyRow;
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
