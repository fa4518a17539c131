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

export type { LedgerStore } from "./core.ts";
export { createLeaseLedger } from "./lease-ledger.ts";
export { createMemoryLedger } from "./memory-ledger.ts";
export type { CreditRedis } from "./redis-ledger.ts";
export { createRedisLedger } from "./redis-ledger.ts";
export type { CreditLedger, CreditSpend, CreditTerms } from "./types.ts";
