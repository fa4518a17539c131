import type { UsageRefill } from "./period.ts";

/**
 * Exact spending of per-key credits without a write per request, in three modes:
 * - memory (`createMemoryLedger`): one instance; counts in memory, written back on flush;
 * - Redis (`createRedisLedger`): instances sharing Redis; one atomic script per spend;
 * - lease (`createLeaseLedger`): instances sharing only PostgreSQL; each leases blocks of credits
 *   from the key's row and spends them locally.
 * The row stays the durable truth. A counter or lease belongs to one identity (key, refill period,
 * admin version): a refill is the first spend of a newer period, a top-up a newer version, and
 * whatever an instance holds of an older identity simply stops counting.
 */

/** From the cached key record. */
export type CreditTerms = { keyId: string; limit: number; refill: UsageRefill; version: number };

export type CreditSpend = {
  allowed: boolean;
  limit: number;
  /** Remaining after this spend (or now, when refused). */
  remaining: number;
  refill: UsageRefill;
  /** Epoch ms of the next refill (null for never). */
  refillsAt: number | null;
  /** The period spent in (for the usage_exceeded webhook dedupe). */
  period: number;
  /** The admin version spent under: newer than the cached record's means the cache is stale. */
  version: number;
};

export interface CreditLedger {
  /**
   * Spends `cost` (an integer 0..1000; cost 0 never refuses) when enough credits are left. Throws
   * when it cannot tell (store or Redis unreachable): the caller must refuse (fail closed).
   */
  spend(terms: CreditTerms, cost: number): Promise<CreditSpend>;
  /** Persist: memory → write back; Redis → write back; lease → return unspent leases. */
  flush(): Promise<void>;
  /** Flush, then forget everything (shutdown). */
  close(): Promise<void>;
  /** Statements sent and Redis round trips made so far (for the bench). */
  readonly stats: { statements: number; redisCalls: number };
}

export type { LedgerStore } from "./core.ts";
export { createLeaseLedger } from "./lease-ledger.ts";
export { createMemoryLedger } from "./memory-ledger.ts";
export type { CreditRedis } from "./redis-ledger.ts";
export { createRedisLedger } from "./redis-ledger.ts";
