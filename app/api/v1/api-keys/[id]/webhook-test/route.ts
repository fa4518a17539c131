import { z } from "zod";
import { getDb } from "@/db";
import { problem } from "@/lib/api/problem";
import { withApiKey } from "@/lib/verify/with-api-key";
import { enqueueTestEvent } from "@/lib/webhooks/enqueue";

/** Queues a `webhook.test` event for the key; follow it in webhook-deliveries. */
export const POST = withApiKey<{ id: string }>(
  async (_request, { organization, params }) => {
    if (!z.uuid().safeParse(params.id).success) {
      return problem(404, "not_found", "No API key with this id.");
    }
    const result = await enqueueTestEvent(getDb(), organization.id, params.id);
    if (!result.ok) {
      return result.reason === "not_found"
        ? problem(404, "not_found", "No API key with this id.")
        : problem(422, "validation_failed", "This key has no webhook URL; set webhookUrl first.");
    }
    return Response.json(
      { deliveryId: result.deliveryId, eventType: "webhook.test", status: "pending" },
      { status: 202, headers: { "cache-control": "no-store" } },
    );
  },
  { scopes: ["api_keys:write"] },
);
