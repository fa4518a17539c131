/**
 * The delivery worker: claims due outbox rows, sends them, records the outcome. Framework-free;
 * the database, clock, transport and resolver are injected so tests drive it without sleeping.
 *
 * Attempts run side by side in `concurrency` slots. A slot is refilled as soon as its attempt ends
 * (there is no batch to wait for), every attempt is bounded by its own timeout, and claims take
 * organizations in turn with at most `perOrganization` attempts each in flight: a slow or silent
 * receiver ties up only its own organization's share, never the other organizations' events.
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
  /** Attempts in flight at once (10). */
  concurrency?: number;
  /** Attempts one organization may have in flight at once (3). */
  perOrganization?: number;
  /** The most one attempt may take, lookup to answer (10 s). */
  attemptTimeoutMs?: number;
  /** How long a claim holds a row; longer than an attempt can take. */
  leaseMs?: number;
  pollMs?: number;
  sweepMs?: number;
  /** Log lines carry ids, event types and reasons: never URLs' secrets or signing secrets. */
  log?: (line: string) => void;
};

type Claim = { row: ClaimedDelivery; lease: Date };

export class WebhookWorker {
  private readonly clock: () => Date;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A wake-up that came while the loop was busy: the next wait returns at once. */
  private woken = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private lastSweep = 0;

  constructor(private readonly deps: WorkerDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  private get concurrency(): number {
    return Math.max(1, this.deps.concurrency ?? 10);
  }

  private log(line: string): void {
    (this.deps.log ?? console.info)(`[latchkey] webhooks: ${line}`);
  }

  /** Leases up to `limit` due deliveries, organizations in turn. */
  private async claim(limit: number): Promise<Claim[]> {
    const now = this.clock();
    const timeout = this.deps.attemptTimeoutMs ?? SEND_TIMEOUT_MS;
    const lease = new Date(now.getTime() + (this.deps.leaseMs ?? timeout * 6));
    const rows = await claimDueDeliveries(this.deps.db(), {
      now,
      leaseUntil: lease,
      limit,
      perOrganization: Math.max(1, this.deps.perOrganization ?? 3),
    });
    return rows.map((row) => ({ row, lease }));
  }

  /**
   * One round, for tests and tools: claims as many due deliveries as there are slots and waits
   * for every attempt. Returns how many were claimed. The running worker does not use it.
   */
  async tick(): Promise<number> {
    const claimed = await this.claim(this.concurrency);
    await Promise.all(claimed.map((c) => this.settle(c)));
    return claimed.length;
  }

  /** Runs one attempt; whatever goes wrong stays with it (its row returns when the lease ends). */
  private async settle({ row, lease }: Claim): Promise<void> {
    try {
      await this.attempt(row, lease);
    } catch (error) {
      const e = error as { code?: string; name?: string };
      this.log(`delivery ${row.id} attempt not recorded: ${e?.code ?? e?.name ?? "error"}`);
    }
  }

  /** Starts an attempt in a free slot; when it ends, the loop is woken to fill the slot again. */
  private launch(claim: Claim): void {
    const running: Promise<void> = this.settle(claim).finally(() => {
      this.inFlight.delete(running);
      this.nudge();
    });
    this.inFlight.add(running);
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
      timeoutMs: this.deps.attemptTimeoutMs,
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
    this.nudge();
    const timer = setTimeout(() => this.stopping.abort(), graceMs);
    timer.unref?.();
    await this.loop;
    clearTimeout(timer);
  }

  /** Called when an event was just queued by this process, and when a slot frees up. */
  nudge(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }

  /** Waits for a nudge, or `pollMs` (other instances' events are only seen by polling). */
  private idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.deps.pollMs ?? 1000);
      this.wake = done;
    });
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
        const room = this.concurrency - this.inFlight.size;
        if (room > 0) {
          const claims = await this.claim(room);
          for (const claim of claims) this.launch(claim);
          claimed = claims.length;
        }
      } catch (error) {
        const e = error as { code?: string; name?: string };
        this.log(`worker error: ${e?.code ?? e?.name ?? "error"}`);
      }
      // Nothing due, or every slot taken: wait for a slot, a new event, or the next poll.
      if (this.running && (claimed === 0 || this.inFlight.size >= this.concurrency)) {
        await this.idle();
      }
    }
    await Promise.all(this.inFlight);
  }
}
