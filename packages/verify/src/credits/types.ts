import type { UsageRefill } from "./period.ts";

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
