import type { Db } from "@/db";
import { lockKeysForUpdate, updateApiKey } from "@/db/queries/api-keys";
import { type Actor, audit } from "@/lib/keys/service/audit";
import { KeyServiceError } from "@/lib/keys/service/errors";
import { heldScopes, refuseStronger } from "@/lib/keys/service/guards";
import { encryptWebhookSecret, generateWebhookSecret } from "@/lib/webhooks/secret";

/** A fresh signing secret: the plain one for the copy card, the encrypted one for the row. */
export function newWebhookSecret() {
  const secret = generateWebhookSecret();
  return { secret, encrypted: encryptWebhookSecret(secret) };
}

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
    await updateApiKey(tx, actor.organizationId, id, {
      webhookSecretEnc: webhook.encrypted,
      updatedAt: new Date(),
    });
    await audit(tx, actor, "key.webhook_secret_regenerated", row, null, null);
    return { webhookSecret: webhook.secret };
  });
}
