"use server";

import { getDb } from "@/db";
import { revalidateKeyPages } from "@/lib/actions/key-action-helpers";
import { ActionError, ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { keyIdSchema } from "@/lib/keys/schemas";
import { enqueueTestEvent } from "@/lib/webhooks/enqueue";

/** Queues a `webhook.test` event for the key; it shows up in "Webhook deliveries". */
export const sendTestWebhook = orgAction(
  { schema: keyIdSchema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    const result = await enqueueTestEvent(getDb(), ctx.organizationId, input.id);
    if (!result.ok) {
      throw new ActionError(
        result.reason === "not_found" ? "not_found" : "conflict",
        result.reason === "not_found" ? "This key does not exist." : "Set a webhook URL first.",
      );
    }
    revalidateKeyPages();
    return ok({ deliveryId: result.deliveryId }, "Test event queued.");
  },
);
