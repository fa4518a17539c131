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
  "key.usage_exceeded",
  "key.leaked",
  "webhook.test",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * `data` of `key.usage_exceeded`, sent by the spending engine when a key is first refused for want
 * of credits, at most once per key and refill period (`period`: the UTC day or month number, 0
 * for a key that never refills).
 */
export type UsageExceededData = {
  name: string;
  usageLimit: number;
  usageRefill: "never" | "daily" | "monthly";
  period: number;
};

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
