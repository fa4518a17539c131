import { getDb } from "@/db";
import type { Env } from "@/lib/env";
import { onShutdown } from "@/lib/shutdown";
import { setWebhookWake } from "./enqueue";
import { secretKeyMaterial } from "./secret";
import { pinnedHttpTransport } from "./transport";
import { WebhookWorker } from "./worker";

/**
 * Starts this process's delivery worker and stops it on SIGTERM/SIGINT (in-flight attempts finish
 * or go back to the queue). `config` is passed in because server.ts may have generated AUTH_SECRET
 * after its first read of the environment.
 */
export function startWebhookWorker(config: Env): WebhookWorker {
  const worker = new WebhookWorker({
    db: () => getDb(),
    transport: pinnedHttpTransport,
    secretKeyMaterial: secretKeyMaterial(config),
    allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE,
  });
  setWebhookWake(() => worker.nudge());
  worker.start();
  onShutdown("webhook-worker", () => worker.stop());
  return worker;
}
