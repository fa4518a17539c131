import { defineOperations } from "@/lib/api/openapi";
import { keyIdParams } from "@/lib/api/schemas";
import {
  webhookDeliveriesQuerySchema,
  webhookDeliveriesResponseSchema,
  webhookTestResponseSchema,
} from "@/lib/webhooks/schemas";

export const webhookOperations = defineOperations(
  {
    method: "get",
    path: "/api/v1/api-keys/{id}/webhook-deliveries",
    operationId: "listWebhookDeliveries",
    summary: "A key's webhook deliveries",
    description: "The last 30 days, newest first: status, HTTP code, attempts and next retry.",
    tag: "Webhooks",
    auth: ["api_keys:read"],
    params: keyIdParams,
    query: webhookDeliveriesQuerySchema,
    responses: { 200: { description: "Deliveries.", schema: webhookDeliveriesResponseSchema } },
  },
  {
    method: "post",
    path: "/api/v1/api-keys/{id}/webhook-test",
    operationId: "sendWebhookTest",
    summary: "Send a test event to a key's webhook",
    description:
      "Queues a signed `webhook.test` event; 409 `conflict` when the key has no webhook URL.",
    tag: "Webhooks",
    auth: ["api_keys:write"],
    params: keyIdParams,
    responses: { 202: { description: "Queued.", schema: webhookTestResponseSchema } },
  },
);
