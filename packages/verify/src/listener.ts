import { randomUUID } from "node:crypto";
import type { KeyCache } from "./cache.ts";

/** The channel every key change is announced on, with the key's hash as payload. */
export const KEY_CHANGED_CHANNEL = "latchkey_key_changed";

/** Subscribes; `onClose` is called if the subscription's connection is lost (it is then gone). */
export type ListenFn = (
  channel: string,
  onMessage: (payload: string) => void,
  onClose?: () => void,
) => Promise<() => Promise<void>>;

export type NotifyFn = (channel: string, payload: string) => Promise<void>;

/**
 * Keeps a key cache in step with changes made by any instance: each change NOTIFYs the key's hash
 * (db/queries/api-keys.ts), and every instance LISTENs. While the subscription is not known to be
 * alive the cache is cleared and runs on a short TTL: at once when its connection closes, and
 * within 2.5 heartbeats (this instance NOTIFYing itself) when it goes silent without closing.
 */
export class KeyChangeListener {
  private readonly pingPayload = `__ping__:${randomUUID()}`;
  private lastPing = 0;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  /** Bumped by every subscription and every loss of one: a late report of an old one is ignored. */
  private generation = 0;
  private stopped = false;

  constructor(
    private readonly deps: {
      cache: KeyCache;
      channel: string;
      listen: ListenFn;
      notify: NotifyFn;
      heartbeatMs?: number;
      now?: () => number;
      onError?: (error: unknown) => void;
    },
  ) {}

  private get heartbeatMs() {
    return this.deps.heartbeatMs ?? 1000;
  }

  private now() {
    return (this.deps.now ?? Date.now)();
  }

  async start(): Promise<void> {
    await this.subscribe();
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  private async subscribe(): Promise<void> {
    const generation = ++this.generation;
    try {
      const unlisten = await this.deps.listen(
        this.deps.channel,
        (payload) => this.onMessage(payload),
        () => this.onLost(generation),
      );
      // Lost (or stopped) while subscribing: it is of no use.
      if (generation !== this.generation || this.stopped) return void unlisten().catch(() => {});
      this.unlisten = unlisten;
    } catch (error) {
      this.unlisten = undefined;
      this.deps.onError?.(error);
    }
  }

  /** The subscription's connection closed: deaf from now on, until the next beat subscribes. */
  private onLost(generation: number): void {
    if (generation !== this.generation || this.stopped) return;
    this.generation++;
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    void unlisten?.().catch(() => {});
    this.deps.cache.setHealthy(false);
    this.deps.onError?.(
      Object.assign(new Error("the change listener's connection closed"), {
        code: "CONNECTION_CLOSED",
      }),
    );
  }

  private onMessage(payload: string): void {
    if (payload === this.pingPayload) {
      this.lastPing = this.now();
      // Anything may have changed while we were deaf: start from a clean cache.
      if (!this.deps.cache.isHealthy) this.deps.cache.clear();
      this.deps.cache.setHealthy(true);
      return;
    }
    if (payload.startsWith("__ping__:")) return;
    this.deps.cache.invalidate(payload);
  }

  /** One heartbeat: check the last ping's age, then send the next one. */
  async beat(): Promise<void> {
    if (this.stopped) return;
    if (this.now() - this.lastPing > this.heartbeatMs * 2.5) this.deps.cache.setHealthy(false);
    if (!this.unlisten) await this.subscribe();
    try {
      await this.deps.notify(this.deps.channel, this.pingPayload);
    } catch (error) {
      this.deps.onError?.(error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.unlisten?.().catch(() => {});
    this.deps.cache.setHealthy(false);
  }
}
