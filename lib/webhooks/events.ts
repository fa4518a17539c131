/** The events a key's webhook receives (CONTRACT "Webhooks (per key)"). */
export const WEBHOOK_EVENT_TYPES = [
  "key.created",
  "key.updated",
  "key.disabled",
  "key.enabled",
  "key.revoked",
  "key.rolled",
  "key.expiring",
  "key.expired",
  "key.rate_limited",
  "key.leaked",
  "webhook.test",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

export type WebhookPayload = {
  type: WebhookEventType;
  timestamp: string;
  data: { keyId: string; organizationId: string; [field: string]: unknown };
};

/** The JSON body sent for an event; `data` never carries key material or secrets. */
export function buildPayload(
  type: WebhookEventType,
  key: { id: string; organizationId: string },
  data: Record<string, unknown> = {},
  at: Date = new Date(),
): WebhookPayload {
  return {
    type,
    timestamp: at.toISOString(),
    data: { ...data, keyId: key.id, organizationId: key.organizationId },
  };
}
