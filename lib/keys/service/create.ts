import type { Db, Tx } from "@/db";
import { insertApiKey } from "@/db/queries/api-keys";
import { type Credits, newKeyCredits, REFILL_NEEDS_LIMIT } from "@/lib/keys/credits";
import { generateApiKey } from "@/lib/keys/format";
import type { CreateKeyInput } from "@/lib/keys/schemas";
import { type Actor, audit, snapshot } from "@/lib/keys/service/audit";
import { KeyServiceError } from "@/lib/keys/service/errors";
import { enforcePolicy, heldScopes, refuseGrant } from "@/lib/keys/service/guards";
import { newWebhookSecret } from "@/lib/keys/service/webhook-secret";

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
  if (input.usageLimit == null && input.usageRefill && input.usageRefill !== "never") {
    throw new KeyServiceError("invalid_input", REFILL_NEEDS_LIMIT, {
      usageRefill: [REFILL_NEEDS_LIMIT],
    });
  }
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

/** Writes a new key with its audit row (a created key, or the new half of a roll). */
export async function insertKey(
  tx: Tx,
  actor: Actor,
  input: CreateKeyInput,
  productPrefix: string,
  extra: {
    rolledFromId?: string;
    webhookUrl?: string | null;
    webhookSecretEnc?: string | null;
    metadata?: Record<string, unknown>;
    /** A roll's new key carries on the old key's credits; a new key starts with its whole limit. */
    credits?: Credits;
  } = {},
): Promise<CreatedKey> {
  const generated = generateApiKey(productPrefix, input.environment);
  const credits =
    extra.credits ??
    newKeyCredits(input.usageLimit ?? null, input.usageRefill ?? "never", Date.now());
  const row = await insertApiKey(tx, actor.organizationId, {
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
    usageLimit: credits.usageLimit,
    usageRefill: credits.usageRefill,
    usageRemaining: credits.usageRemaining,
    usagePeriod: credits.usagePeriod,
  });
  await audit(tx, actor, "key.created", row, null, snapshot(row), extra.metadata ?? null);
  return { id: row.id, key: generated.key, prefix: generated.prefix };
}
