import { Webhook } from "standardwebhooks";
import { checkWebhookTarget, type Resolver } from "./ssrf";
import { ADDRESS_REFUSED, type Transport } from "./transport";

/** The most one attempt may take, from resolving the host to the end of the answer. */
export const SEND_TIMEOUT_MS = 10_000;
export const MAX_RESPONSE_BYTES = 4096;

export type SendResult =
  | { outcome: "delivered"; statusCode: number }
  | { outcome: "retry"; statusCode: number | null; error: string }
  /** Never worth retrying: the target is not allowed. */
  | { outcome: "refused"; error: string }
  /** Cut short by the worker stopping: nothing is known about this attempt. */
  | { outcome: "aborted" };

/** Settles with `work`, or rejects as soon as `signal` aborts, whether or not `work` listens. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Signs `body` by the Standard Webhooks spec and POSTs it once. The host is resolved and checked
 * here, at send time, and the connection goes to the checked address. The whole attempt (lookup,
 * connection, answer) is bounded by `timeoutMs`, so a slow or silent receiver holds up nothing but
 * its own attempt.
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
  timeoutMs?: number;
}): Promise<SendResult> {
  const timeoutMs = input.timeoutMs ?? SEND_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = input.stop ? AbortSignal.any([timeout, input.stop]) : timeout;
  const failed = (error: unknown): SendResult => {
    if (input.stop?.aborted) return { outcome: "aborted" };
    if (timeout.aborted) {
      return {
        outcome: "retry",
        statusCode: null,
        error: `Timed out after ${Math.round(timeoutMs / 100) / 10} s.`,
      };
    }
    const e = error as { code?: string; name?: string; message?: string };
    if (e?.code === ADDRESS_REFUSED) return { outcome: "refused", error: String(e.message) };
    return {
      outcome: "retry",
      statusCode: null,
      error: `Network error (${e?.code ?? e?.name ?? "error"}).`,
    };
  };

  let target: Awaited<ReturnType<typeof checkWebhookTarget>>;
  try {
    target = await untilAborted(
      checkWebhookTarget(input.url, { allowPrivate: input.allowPrivate, resolver: input.resolver }),
      signal,
    );
  } catch (error) {
    return failed(error);
  }
  if (!target.ok) {
    // DNS hiccups are retried like network errors; a forbidden address is final.
    return target.transient
      ? { outcome: "retry", statusCode: null, error: target.reason }
      : { outcome: "refused", error: target.reason };
  }
  const address = target.addresses[0];
  if (!address) return { outcome: "refused", error: "No address to send to." };

  const signature = new Webhook(input.secret).sign(input.id, input.at, input.body);
  try {
    const response = await untilAborted(
      input.transport({
        url: input.url,
        address,
        allowPrivate: input.allowPrivate,
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
      }),
      signal,
    );
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
    return failed(error);
  }
}
