"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { actorOf } from "@/lib/actions/actor";
import { revalidateKeyPages, runKeyService } from "@/lib/actions/key-action-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { webhookUrlSchema } from "@/lib/keys/schemas";
import { updateKey } from "@/lib/keys/service/update";

const schema = z.object({
  id: z.uuid("Unknown key."),
  webhookUrl: webhookUrlSchema.transform((v) => v ?? null),
});

/**
 * Sets (or, empty, removes) a key's webhook URL. When the key had no webhook, the new signing
 * secret is in this response only, for the copy card.
 */
export const setWebhookUrl = orgAction({ schema, roles: MANAGER_ROLES }, async (input, ctx) => {
  const result = await runKeyService(() =>
    updateKey(getDb(), actorOf(ctx), input.id, { webhookUrl: input.webhookUrl }),
  );
  revalidateKeyPages();
  const message = !result.changed
    ? "Nothing to change."
    : input.webhookUrl
      ? "Webhook URL saved."
      : "Webhook removed.";
  return ok({ webhookSecret: result.webhookSecret ?? null }, message);
});
