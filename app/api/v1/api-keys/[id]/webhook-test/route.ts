import { getDb } from "@/db";
import { methodsNotAllowed } from "@/lib/api/methods";
import { problem } from "@/lib/api/problem";
import { json, keyIdOf, notFound } from "@/lib/api/route-helpers";
import { withApiKey } from "@/lib/verify/with-api-key";
import { enqueueTestEvent } from "@/lib/webhooks/enqueue";

/** Queues a `webhook.test` event for the key; follow it in webhook-deliveries. */
export const POST = withApiKey<{ id: string }>(
  async (_request, { organization, params }) => {
    const id = keyIdOf(params);
    if (!id) return notFound();
    const result = await enqueueTestEvent(getDb(), organization.id, id);
    if (!result.ok) {
      return result.reason === "not_found"
        ? notFound()
        : problem(409, "conflict", "This key has no webhook URL; set webhookUrl first.");
    }
    return json(
      { deliveryId: result.deliveryId, eventType: "webhook.test", status: "pending" },
      202,
    );
  },
  { scopes: ["api_keys:write"] },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
