import { LRUCache } from "lru-cache";
import type { KeyRecord } from "./ports.ts";

export type CacheOptions = {
  max?: number;
  /** TTL of a found key while change notifications are flowing. */
  ttlMs?: number;
  /** TTL while notifications are not known to flow (start-up, dropped connection). */
  degradedTtlMs?: number;
  /** TTL of an unknown hash, so a flood of made-up keys cannot hammer the database. */
  negativeTtlMs?: number;
};

type Entry = {
  record: KeyRecord | null;
  /** Epoch ms after which a hit also looks the key up again in the background. */
  refreshAt: number;
};

/** A hot key is looked up again once this share of its TTL has passed, before it expires. */
const REFRESH_AHEAD = 0.8;

/**
 * Verified keys by hash, bounded. Entries live long only while the change listener is healthy;
 * otherwise every entry expires quickly, so a missed invalidation costs at most a second.
 */
export class KeyCache {
  private readonly lru: LRUCache<string, Entry>;
  private healthy = false;
  /** Bumped by every invalidation, so a lookup that raced one is not cached. */
  epoch = 0;
  readonly ttlMs: number;
  readonly degradedTtlMs: number;
  readonly negativeTtlMs: number;

  constructor(options: CacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.degradedTtlMs = options.degradedTtlMs ?? 1_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 10_000;
    this.lru = new LRUCache<string, Entry>({
      max: options.max ?? 50_000,
      ttl: this.ttlMs,
      ttlAutopurge: false,
    });
  }

  get(hash: string): Entry | undefined {
    return this.lru.get(hash);
  }

  set(hash: string, record: KeyRecord | null): void {
    const long = record !== null && this.healthy;
    const ttl = record
      ? long
        ? this.ttlMs
        : this.degradedTtlMs
      : Math.min(this.negativeTtlMs, this.healthy ? this.negativeTtlMs : this.degradedTtlMs);
    // Only found keys under the long TTL are refreshed ahead: short entries just expire.
    const refreshAt = long ? Date.now() + ttl * REFRESH_AHEAD : Number.POSITIVE_INFINITY;
    this.lru.set(hash, { record, refreshAt }, { ttl });
  }

  invalidate(hash: string): void {
    this.epoch++;
    this.lru.delete(hash);
  }

  clear(): void {
    this.epoch++;
    this.lru.clear();
  }

  get size(): number {
    return this.lru.size;
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  /** Called by the change listener. Losing health drops everything cached under the long TTL. */
  setHealthy(healthy: boolean): void {
    if (this.healthy && !healthy) this.clear();
    this.healthy = healthy;
  }
}
