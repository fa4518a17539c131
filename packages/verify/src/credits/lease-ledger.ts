import {
  checkSpend,
  current,
  type Held,
  type LedgerStore,
  missing,
  newer,
  PerKey,
  result,
  rowsOf,
  sameIdentity,
  unlimited,
} from "./core.ts";
import type { CreditRow, LeaseBack } from "./rows.ts";
import type { CreditLedger, CreditSpend, CreditTerms } from "./types.ts";

type Lease = Held & {
  /** The newest record version this lease has been checked against. */
  checked: number;
  /** Credits of this lease not spent yet. */
  left: number;
  /** What the row had left after the last lease statement (credits leased elsewhere excluded). */
  rowRemaining: number;
  /** Set when the row no longer limits the key. */
  row?: CreditRow;
};

export const DEFAULT_MAX_LEASE = 1000;

/**
 * Instances sharing only PostgreSQL: each instance leases a block of a key's credits with one
 * conditional update and spends it in memory. A lease is at most a tenth of what the row has
 * left (and at most `maxLease`), so once fewer than ten spends' worth remain every spend is one
 * exact conditional decrement. An instance holds at most one lease per key (one lease statement
 * per key in flight); flush and close hand the leftovers back, and a crash strands at most that
 * one lease per key: credits spent too few, never too many.
 *
 * An instance refuses by itself, without a statement, a spend its last look at the row could not
 * cover; it looks again after its next flush, on a newer record version and at the next period.
 */
export function createLeaseLedger(
  o: LedgerStore & { now?: () => number; maxLease?: number },
): CreditLedger {
  const rows = rowsOf(o);
  const now = o.now ?? Date.now;
  const maxLease = o.maxLease ?? DEFAULT_MAX_LEASE;
  if (!Number.isSafeInteger(maxLease) || maxLease < 1) {
    throw new RangeError("credits: maxLease must be a positive integer");
  }
  let leases = new Map<string, Lease>();
  const taking = new PerKey<CreditSpend>();

  async function take(terms: CreditTerms, cost: number, at: number): Promise<CreditSpend> {
    const { keyId } = terms;
    const held = leases.get(keyId);
    let back: LeaseBack | null = null;
    if (held && !held.row && held.left > 0) {
      back = { keyId, left: held.left, period: held.period, version: held.version };
    }
    // Handed back in this statement: never again, even if its answer is lost (that strands it).
    if (held) held.left = 0;
    const got = await rows.lease(keyId, at, cost, maxLease, back);
    if (!got) {
      leases.delete(keyId);
      return missing(terms, at);
    }
    const checked = Math.max(got.version, terms.version);
    if (got.limit === null) {
      leases.set(keyId, {
        ...got,
        refill: "never",
        limit: terms.limit,
        checked,
        left: 0,
        rowRemaining: 0,
        row: got,
      });
      return unlimited(terms, got);
    }
    const allowed = got.grant >= cost;
    const left = got.grant - (allowed ? cost : 0);
    const holding = leases.get(keyId);
    let lease: Lease;
    if (holding && !holding.row && sameIdentity(holding, got)) {
      lease = holding;
      lease.left += left;
      lease.rowRemaining = got.remaining;
      lease.checked = Math.max(lease.checked, checked);
    } else if (!holding || holding.row || newer(got, holding)) {
      lease = {
        period: got.period,
        version: got.version,
        refill: got.refill,
        limit: got.limit,
        checked,
        left,
        rowRemaining: got.remaining,
      };
      leases.set(keyId, lease);
    } else {
      // An answer about an identity the row has left behind: its leftover is worth nothing.
      return result({ ...got, limit: got.limit }, allowed, got.remaining);
    }
    return result(lease, allowed, lease.rowRemaining + lease.left);
  }

  async function flush(): Promise<void> {
    const items: LeaseBack[] = [];
    for (const [keyId, lease] of leases) {
      if (!lease.row && lease.left > 0) {
        items.push({ keyId, left: lease.left, period: lease.period, version: lease.version });
      }
    }
    // Forget every lease (and every refusal learned from the row): the next spend looks again.
    leases = new Map();
    // Not retried on failure: a give-back applied twice would create credits.
    await rows.giveBack(items);
  }

  return {
    async spend(terms, cost) {
      checkSpend(terms, cost);
      const { keyId } = terms;
      for (;;) {
        const running = taking.get(keyId);
        if (running) {
          await running;
          continue;
        }
        const at = now();
        const lease = leases.get(keyId);
        if (lease && current(lease, terms, at)) {
          if (lease.row) return unlimited(terms, lease.row);
          if (lease.left >= cost) {
            lease.left -= cost;
            return result(lease, true, lease.rowRemaining + lease.left);
          }
          if (cost > lease.rowRemaining + lease.left) {
            return result(lease, false, lease.rowRemaining + lease.left);
          }
        }
        return taking.run(keyId, () => take(terms, cost, at));
      }
    },
    flush,
    async close() {
      await taking.idle();
      await flush();
    },
    stats: {
      get statements() {
        return rows.statements;
      },
      redisCalls: 0,
    },
  };
}
