import type { Db, Tx } from "@/db";
import { insertDelivery, keyWebhook } from "@/db/queries/webhooks";
import { buildPayload, isWebhookEventType } from "./events";

export type WebhookKey = { id: string; organizationId: string; webhookUrl?: string | null };

const wakeKey = Symbol.for("latchkey.webhookWake");
const g = globalThis as Record<symbol, unknown>;

/** Tells this process's worker there is work now (it also polls, for other instances' events). */
export function wakeWebhookWorker(): void {
  (g[wakeKey] as (() => void) | undefined)?.();
}
export function setWebhookWake(wake: (() => void) | undefined): void {
  g[wakeKey] = wake;
}

/**
 * Writes a key event to the outbox inside the caller's transaction, so the event exists exactly
 * when the change does. Does nothing for keys without a webhook or for actions that are not
 * webhook events. The key service calls it for every audited change.
 */
export async function enqueueKeyEvent(
  tx: Db | Tx,
  key: WebhookKey,
  type: string,
  data: Record<string, unknown> = {},
  options: { dedupeKey?: string } = {},
): Promise<string | null> {
  if (!key.webhookUrl || !isWebhookEventType(type)) return null;
  const id = await insertDelivery(tx, {
    organizationId: key.organizationId,
    keyId: key.id,
    eventType: type,
    payload: buildPayload(type, key, data),
    url: key.webhookUrl,
    dedupeKey: options.dedupeKey,
  });
  // Woken on the next tick: by then the caller's transaction has committed (or the row is gone).
  if (id) setTimeout(wakeWebhookWorker, 0);
  return id;
}

export type TestEventResult =
  | { ok: true; deliveryId: string }
  | { ok: false; reason: "not_found" | "no_webhook" };

/** Queues a `webhook.test` event for a key of the organization. */
export async function enqueueTestEvent(
  db: Db,
  organizationId: string,
  keyId: string,
): Promise<TestEventResult> {
  const key = await keyWebhook(db, organizationId, keyId);
  if (!key) return { ok: false, reason: "not_found" };
  if (!key.webhookUrl) return { ok: false, reason: "no_webhook" };
  const id = await enqueueKeyEvent(db, key, "webhook.test", {
    name: key.name,
    message: "This is a test event from Latchkey.",
  });
  return id ? { ok: true, deliveryId: id } : { ok: false, reason: "no_webhook" };
}
