"use server";

import { getDb } from "@/db";
import { actorOf } from "@/lib/actions/actor";
import { revalidateKeyPages, runKeyService } from "@/lib/actions/key-action-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { keyIdSchema } from "@/lib/keys/schemas";
import { regenerateWebhookSecret as regenerate } from "@/lib/keys/service/webhook-secret";

/** A new signing secret for the key's webhook, returned once; the old one stops signing now. */
export const regenerateWebhookSecret = orgAction(
  { schema: keyIdSchema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    const result = await runKeyService(() => regenerate(getDb(), actorOf(ctx), input.id));
    revalidateKeyPages();
    return ok(result, "New signing secret created.");
  },
);
