import {
  checkSpend,
  current,
  type Held,
  type LedgerStore,
  missing,
  PerKey,
  result,
  rowsOf,
  sameIdentity,
  unlimited,
} from "./core.ts";
import type { CreditRow } from "./rows.ts";
import type { CreditLedger, CreditSpend, CreditTerms } from "./types.ts";

type KeyState = Held & {
  /** The newest record version this state has been checked against. */
  checked: number;
  /** The row as read (a null limit: the key is no longer limited). */
  row: CreditRow;
  remaining: number;
  /** Spent since the last write-back. */
  spent: number;
};

/**
 * One instance: each key's credits live in memory once read, spends are exact by construction
 * (one event loop), and what was spent is written back as a delta on flush and on close. A crash
 * loses the spends since the last flush, so a restart may grant them again: use the Redis or
 * lease mode where that matters, or flush often.
 */
export function createMemoryLedger(o: LedgerStore & { now?: () => number }): CreditLedger {
  const rows = rowsOf(o);
  const now = o.now ?? Date.now;
  let keys = new Map<string, KeyState>();
  const loads = new PerKey<KeyState | null>();

  async function load(terms: CreditTerms, at: number): Promise<KeyState | null> {
    const { keyId } = terms;
    await rows.refillIfDue(keyId, at);
    const row = await rows.read(keyId);
    if (!row) {
      keys.delete(keyId);
      return null;
    }
    const held = keys.get(keyId);
    const checked = Math.max(row.version, terms.version);
    // The row has not moved on: what this instance counted since its last flush is fresher.
    if (held && sameIdentity(held, row) && (held.row.limit === null) === (row.limit === null)) {
      held.checked = Math.max(held.checked, checked);
      return held;
    }
    const state: KeyState = {
      period: row.period,
      version: row.version,
      // Without a limit there is nothing to refill: the state only goes stale by version.
      refill: row.limit === null ? "never" : row.refill,
      limit: row.limit ?? terms.limit,
      checked,
      row,
      remaining: row.remaining,
      spent: 0,
    };
    keys.set(keyId, state);
    return state;
  }

  function decide(state: KeyState, terms: CreditTerms, cost: number): CreditSpend {
    if (state.row.limit === null) return unlimited(terms, state.row);
    if (cost > state.remaining) return result(state, false, state.remaining);
    state.remaining -= cost;
    state.spent += cost;
    return result(state, true, state.remaining);
  }

  async function flush(): Promise<void> {
    const taken: KeyState[] = [];
    const items = [];
    for (const [keyId, state] of keys) {
      if (state.spent <= 0) continue;
      items.push({ keyId, spent: state.spent, period: state.period, version: state.version });
      taken.push(state);
      state.spent = 0;
    }
    if (!items.length) return;
    let matched: Set<string>;
    try {
      matched = await rows.writeBackDelta(items);
    } catch (error) {
      // Keep the counts for the next flush: a delta written twice only ever under-counts credits.
      items.forEach((item, i) => {
        const state = taken[i] as KeyState;
        if (keys.get(item.keyId) === state) state.spent += item.spent;
      });
      throw error;
    }
    items.forEach((item, i) => {
      // The row moved on (top-up, refill, deleted): read it again on the next spend.
      if (!matched.has(item.keyId.toLowerCase()) && keys.get(item.keyId) === taken[i]) {
        keys.delete(item.keyId);
      }
    });
  }

  return {
    async spend(terms, cost) {
      checkSpend(terms, cost);
      let state: KeyState | null | undefined;
      for (let round = 0; round < 3; round++) {
        const at = now();
        state = keys.get(terms.keyId);
        if (state && current(state, terms, at)) return decide(state, terms, cost);
        state = await loads.join(terms.keyId, () => load(terms, at));
        if (!state) return missing(terms, at);
        if (current(state, terms, now())) break;
      }
      return decide(state as KeyState, terms, cost);
    },
    flush,
    async close() {
      await loads.idle();
      try {
        await flush();
      } finally {
        keys = new Map();
      }
    },
    stats: {
      get statements() {
        return rows.statements;
      },
      redisCalls: 0,
    },
  };
}
