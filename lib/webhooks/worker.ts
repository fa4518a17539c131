/**
 * The delivery worker: claims due outbox rows, sends them, records the outcome. Framework-free;
 * the database, clock, transport and resolver are injected so tests drive it without sleeping.
 */
import type { Db } from "@/db";
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  deleteDeliveriesBefore,
  enqueueExpiryEvents,
  recordAttempt,
  releaseDelivery,
} from "@/db/queries/webhooks";
import { RETRY_WINDOW_MS, retryDelayMs } from "./backoff";
import { decryptWebhookSecret } from "./secret";
import { SEND_TIMEOUT_MS, sendWebhook } from "./sender";
import type { Resolver } from "./ssrf";
import type { Transport } from "./transport";

export const RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export type WorkerDeps = {
  db: () => Db;
  transport: Transport;
  /** Key material the secrets were encrypted with. */
  secretKeyMaterial: string;
  allowPrivate: boolean;
  resolver?: Resolver;
  clock?: () => Date;
  random?: () => number;
  batchSize?: number;
  /** How long a claim holds a row; longer than a send can take. */
  leaseMs?: number;
  pollMs?: number;
  sweepMs?: number;
  /** Log lines carry ids, event types and reasons: never URLs' secrets or signing secrets. */
  log?: (line: string) => void;
};

export class WebhookWorker {
  private readonly clock: () => Date;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly stopping = new AbortController();
  private lastSweep = 0;

  constructor(private readonly deps: WorkerDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  private log(line: string): void {
    (this.deps.log ?? console.info)(`[latchkey] webhooks: ${line}`);
  }

  /** Claims one batch of due deliveries and attempts each. Returns how many were claimed. */
  async tick(): Promise<number> {
    const now = this.clock();
    const lease = new Date(now.getTime() + (this.deps.leaseMs ?? SEND_TIMEOUT_MS * 6));
    const claimed = await claimDueDeliveries(this.deps.db(), {
      now,
      leaseUntil: lease,
      limit: this.deps.batchSize ?? 10,
    });
    await Promise.all(claimed.map((row) => this.attempt(row, lease)));
    return claimed.length;
  }

  private async attempt(row: ClaimedDelivery, lease: Date): Promise<void> {
    const db = this.deps.db();
    if (this.stopping.signal.aborted) return releaseDelivery(db, row.id, lease);
    const at = this.clock();
    if (!row.webhookUrl || !row.webhookSecretEnc) {
      await recordAttempt(db, row.id, lease, {
        status: "failed",
        statusCode: null,
        error: "The key no longer has a webhook URL.",
        at,
        nextAttemptAt: at,
        url: null,
      });
      return;
    }
    let secret: string;
    try {
      secret = decryptWebhookSecret(row.webhookSecretEnc, this.deps.secretKeyMaterial);
    } catch {
      await recordAttempt(db, row.id, lease, {
        status: "failed",
        statusCode: null,
        error: "The signing secret cannot be decrypted (was WEBHOOK_SECRET_KEY changed?).",
        at,
        nextAttemptAt: at,
        url: row.webhookUrl,
      });
      this.log(`delivery ${row.id} failed: signing secret cannot be decrypted`);
      return;
    }
    const result = await sendWebhook({
      id: row.id,
      url: row.webhookUrl,
      secret,
      body: JSON.stringify(row.payload),
      at,
      allowPrivate: this.deps.allowPrivate,
      resolver: this.deps.resolver,
      transport: this.deps.transport,
      stop: this.stopping.signal,
    });
    const done = this.clock();
    if (result.outcome === "aborted") return releaseDelivery(db, row.id, lease);
    if (result.outcome === "delivered") {
      await recordAttempt(db, row.id, lease, {
        status: "delivered",
        statusCode: result.statusCode,
        at: done,
        url: row.webhookUrl,
      });
      return;
    }
    const failedAttempts = row.attempts + 1;
    const giveUp =
      result.outcome === "refused" || done.getTime() - row.createdAt.getTime() >= RETRY_WINDOW_MS;
    const statusCode = result.outcome === "retry" ? result.statusCode : null;
    await recordAttempt(db, row.id, lease, {
      status: giveUp ? "failed" : "pending",
      statusCode,
      error: result.error,
      at: done,
      nextAttemptAt: giveUp
        ? done
        : new Date(done.getTime() + retryDelayMs(failedAttempts, this.deps.random)),
      url: row.webhookUrl,
    });
    this.log(
      `delivery ${row.id} (${row.eventType}) attempt ${failedAttempts} ${giveUp ? "failed for good" : "will be retried"}: ${result.error}`,
    );
  }

  /** The periodic work: expiry events and the 30-day retention. */
  async sweep(): Promise<{ queued: number; deleted: number }> {
    const now = this.clock();
    const db = this.deps.db();
    const queued = await enqueueExpiryEvents(db, now);
    const deleted = await deleteDeliveriesBefore(db, new Date(now.getTime() - RETENTION_MS));
    return { queued, deleted };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Lets attempts in flight finish (or be cut short after `graceMs`, their rows released). */
  async stop(graceMs = 8_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    const timer = setTimeout(() => this.stopping.abort(), graceMs);
    timer.unref?.();
    await this.loop;
    clearTimeout(timer);
  }

  /** Called when an event was just queued by this process. */
  nudge(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        const now = this.clock().getTime();
        if (now - this.lastSweep >= (this.deps.sweepMs ?? 60_000)) {
          this.lastSweep = now;
          await this.sweep();
        }
        claimed = await this.tick();
      } catch (error) {
        const e = error as { code?: string; name?: string };
        this.log(`worker error: ${e?.code ?? e?.name ?? "error"}`);
      }
      if (claimed === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.deps.pollMs ?? 1000);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }
}
