import { Webhook } from "standardwebhooks";
import { checkWebhookTarget, type Resolver } from "./ssrf";
import type { Transport } from "./transport";

export const SEND_TIMEOUT_MS = 10_000;
export const MAX_RESPONSE_BYTES = 4096;

export type SendResult =
  | { outcome: "delivered"; statusCode: number }
  | { outcome: "retry"; statusCode: number | null; error: string }
  /** Never worth retrying: the target is not allowed. */
  | { outcome: "refused"; error: string }
  /** Cut short by the worker stopping: nothing is known about this attempt. */
  | { outcome: "aborted" };

/**
 * Signs `body` by the Standard Webhooks spec and POSTs it once. The host is resolved and checked
 * here, at send time, and the connection goes to the checked address.
 */
export async function sendWebhook(input: {
  id: string;
  url: string;
  secret: string;
  body: string;
  at: Date;
  allowPrivate: boolean;
  resolver?: Resolver;
  transport: Transport;
  /** Aborts the attempt when the worker stops. */
  stop?: AbortSignal;
}): Promise<SendResult> {
  const target = await checkWebhookTarget(input.url, {
    allowPrivate: input.allowPrivate,
    resolver: input.resolver,
  });
  if (!target.ok) {
    // DNS hiccups are retried like network errors; a forbidden address is final.
    return target.transient
      ? { outcome: "retry", statusCode: null, error: target.reason }
      : { outcome: "refused", error: target.reason };
  }
  const address = target.addresses[0];
  if (!address) return { outcome: "refused", error: "No address to send to." };

  const signature = new Webhook(input.secret).sign(input.id, input.at, input.body);
  const timeout = AbortSignal.timeout(SEND_TIMEOUT_MS);
  const signal = input.stop ? AbortSignal.any([timeout, input.stop]) : timeout;
  try {
    const response = await input.transport({
      url: input.url,
      address,
      body: input.body,
      signal,
      maxBodyBytes: MAX_RESPONSE_BYTES,
      headers: {
        "content-type": "application/json",
        "user-agent": "Latchkey-Webhooks/1",
        "webhook-id": input.id,
        "webhook-timestamp": String(Math.floor(input.at.getTime() / 1000)),
        "webhook-signature": signature,
      },
    });
    if (response.status >= 200 && response.status < 300) {
      return { outcome: "delivered", statusCode: response.status };
    }
    const location =
      response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
    return {
      outcome: "retry",
      statusCode: response.status,
      error: `HTTP ${response.status}${location}`,
    };
  } catch (error) {
    if (input.stop?.aborted) return { outcome: "aborted" };
    if (timeout.aborted)
      return { outcome: "retry", statusCode: null, error: "Timed out after 10 s." };
    const e = error as { code?: string; name?: string };
    return {
      outcome: "retry",
      statusCode: null,
      error: `Network error (${e.code ?? e.name ?? "error"}).`,
    };
  }
}
