"use server";

import { getDb } from "@/db";
import { actorOf, keyService, revalidateKeyPages } from "@/lib/actions/key-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { keyIdSchema } from "@/lib/keys/schemas";
import { regenerateWebhookSecret as regenerate } from "@/lib/keys/service";
import { MANAGER_ROLES } from "@/lib/session";

/** A new signing secret for the key's webhook, returned once; the old one stops signing now. */
export const regenerateWebhookSecret = orgAction(
  { schema: keyIdSchema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    const result = await keyService(() => regenerate(getDb(), actorOf(ctx), input.id));
    revalidateKeyPages();
    return ok(result, "New signing secret created.");
  },
);
