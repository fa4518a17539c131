import type { Sql } from "../sql.ts";
import { nextRefillAt, periodOf, type UsageRefill } from "./period.ts";
import { assertKeyId, type CreditRow, type CreditRows, sqlCreditRows } from "./rows.ts";
import type { CreditSpend, CreditTerms } from "./types.ts";

/** The ledgers are built on `sql`; tests may hand them any other `CreditRows` (the model). */
export type LedgerStore = { sql: Sql; rows?: undefined } | { rows: CreditRows; sql?: undefined };

export function rowsOf(store: LedgerStore): CreditRows {
  return store.rows ?? sqlCreditRows(store.sql);
}

export const MAX_COST = 1000;

export function checkSpend(terms: CreditTerms, cost: number): void {
  assertKeyId(terms.keyId);
  if (!Number.isInteger(cost) || cost < 0 || cost > MAX_COST) {
    throw new RangeError(`credits: cost must be an integer from 0 to ${MAX_COST}`);
  }
}

/** What the ledger holds about a key's counter: its identity and the terms it read from the row. */
export type Held = { period: number; version: number; refill: UsageRefill; limit: number };

/** Row identities only move forward: a newer version, or a newer period of the same version. */
export function newer(
  a: { period: number; version: number },
  b: { period: number; version: number },
) {
  return a.version > b.version || (a.version === b.version && a.period > b.period);
}

export function sameIdentity(
  a: { period: number; version: number },
  b: { period: number; version: number },
): boolean {
  return a.version === b.version && a.period === b.period;
}

/**
 * Whether what the ledger holds may serve a spend: the cached record is not of a newer version
 * than the ledger has checked, and the period has not turned on this instance's clock.
 */
export function current(held: Held & { checked: number }, terms: CreditTerms, at: number): boolean {
  return terms.version <= held.checked && periodOf(held.refill, at) <= held.period;
}

export function result(
  held: { period: number; version: number; refill: UsageRefill; limit: number },
  allowed: boolean,
  remaining: number,
): CreditSpend {
  return {
    allowed,
    limit: held.limit,
    remaining,
    refill: held.refill,
    refillsAt: nextRefillAt(held.refill, held.period),
    period: held.period,
    version: held.version,
  };
}

/** The row no longer limits the key (the cached record is stale): allowed, figures from the terms. */
export function unlimited(terms: CreditTerms, row: CreditRow): CreditSpend {
  return result({ ...terms, period: row.period, version: row.version }, true, terms.limit);
}

/** The key's row is gone: nothing to spend. */
export function missing(terms: CreditTerms, at: number): CreditSpend {
  return result({ ...terms, period: periodOf(terms.refill, at) }, false, 0);
}

/** One promise per key at a time: concurrent spends of a key share one load or lease. */
export class PerKey<T> {
  private running = new Map<string, Promise<T>>();

  get(keyId: string): Promise<T> | undefined {
    return this.running.get(keyId);
  }

  run(keyId: string, fn: () => Promise<T>): Promise<T> {
    const p = fn().finally(() => {
      if (this.running.get(keyId) === p) this.running.delete(keyId);
    });
    this.running.set(keyId, p);
    return p;
  }

  /** The running promise for the key, or a new one. */
  join(keyId: string, fn: () => Promise<T>): Promise<T> {
    return this.running.get(keyId) ?? this.run(keyId, fn);
  }

  /** Settles once nothing is running (errors are the spenders' to see). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }
}
