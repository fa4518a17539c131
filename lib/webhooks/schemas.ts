/** Shapes of the webhook endpoints of the management API (also for the OpenAPI document). */
import { z } from "zod";
import type { DeliveryRow } from "@/db/queries/webhooks";
import { WEBHOOK_EVENT_TYPES } from "./events";

export const webhookDeliverySchema = z
  .object({
    id: z.uuid().describe("Also the `webhook-id` header of every attempt."),
    eventType: z.enum(WEBHOOK_EVENT_TYPES),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.int().min(0),
    httpStatus: z.int().nullable().describe("HTTP status of the last attempt's answer."),
    error: z.string().nullable().describe("Why the last attempt failed or was refused."),
    createdAt: z.iso.datetime(),
    deliveredAt: z.iso.datetime().nullable(),
    nextAttemptAt: z.iso.datetime().nullable().describe("Set while a retry is scheduled."),
  })
  .meta({ id: "WebhookDelivery" });

export const webhookDeliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const webhookDeliveriesResponseSchema = z
  .object({ data: z.array(webhookDeliverySchema) })
  .meta({ id: "WebhookDeliveryList" });

export const webhookTestResponseSchema = z
  .object({
    deliveryId: z.uuid(),
    eventType: z.literal("webhook.test"),
    status: z.literal("pending"),
  })
  .meta({ id: "WebhookTestResult" });

export function serializeDelivery(row: DeliveryRow): z.infer<typeof webhookDeliverySchema> {
  return {
    id: row.id,
    eventType: row.eventType as z.infer<typeof webhookDeliverySchema>["eventType"],
    status: row.status,
    attempts: row.attempts,
    httpStatus: row.lastStatusCode,
    error: row.lastError,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    nextAttemptAt:
      row.status === "pending" && row.attempts > 0 ? row.nextAttemptAt.toISOString() : null,
  };
}
