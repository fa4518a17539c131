import { periodOf, type UsageRefill } from "./period.ts";
import type { CreditIdentity, CreditRow, CreditRows, LeaseBack, LeaseGrant } from "./rows.ts";

/**
 * The credit statements of `rows.ts` as an in-memory model: each method is one atomic step (a
 * statement on a locked row) between two awaits of `gate`, so a test scheduler decides when the
 * statement runs and when its answer arrives, and ledgers sharing one model interleave the way
 * instances sharing one database do. It also keeps the ledger honest in tests: it records the
 * credits made available to every identity (key, period, version), by creation, refill or top-up.
 */
export class CreditRowsModel implements CreditRows {
  statements = 0;
  private rows = new Map<string, CreditRow>();
  /** Credits made available per `keyId|period|version`. */
  readonly available = new Map<string, number>();
  /** Identities made available twice (a refill repeated in one period): always 0. */
  remade = 0;

  constructor(private readonly gate: () => Promise<void> = async () => {}) {}

  static identity(keyId: string, period: number, version: number): string {
    return `${keyId}|${period}|${version}`;
  }

  /** Inserts or replaces a key's row (a new key, or an admin change that sets every field). */
  put(keyId: string, row: CreditRow): void {
    this.rows.set(keyId, { ...row });
    if (row.limit !== null) this.made(keyId, row, row.remaining);
  }

  /** The admin's top-up: new remaining credits, version bumped, period set to `at`'s. */
  topUp(keyId: string, remaining: number, at: number): void {
    const row = this.mustGet(keyId);
    row.remaining = remaining;
    row.version++;
    row.period = Math.max(row.period, periodOf(row.refill, at));
    this.made(keyId, row, remaining);
  }

  get(keyId: string): CreditRow | undefined {
    const row = this.rows.get(keyId);
    return row ? { ...row } : undefined;
  }

  private made(keyId: string, row: CreditRow, credits: number): void {
    const id = CreditRowsModel.identity(keyId, row.period, row.version);
    if (this.available.has(id)) this.remade++;
    this.available.set(id, (this.available.get(id) ?? 0) + credits);
  }

  private mustGet(keyId: string): CreditRow {
    const row = this.rows.get(keyId);
    if (!row) throw new Error(`no row ${keyId}`);
    return row;
  }

  /** One statement: wait for the scheduler, run `step` atomically, wait again for the answer. */
  private async statement<T>(step: () => T): Promise<T> {
    this.statements++;
    await this.gate();
    const result = step();
    await this.gate();
    return result;
  }

  private refillNow(keyId: string, row: CreditRow, at: number): boolean {
    const now = periodOf(row.refill, at);
    if (row.refill === "never" || row.limit === null || row.period >= now) return false;
    row.remaining = row.limit;
    row.period = now;
    this.made(keyId, row, row.limit);
    return true;
  }

  read(keyId: string): Promise<CreditRow | null> {
    return this.statement(() => this.get(keyId) ?? null);
  }

  refillIfDue(keyId: string, at: number): Promise<boolean> {
    return this.statement(() => {
      const row = this.rows.get(keyId);
      return row ? this.refillNow(keyId, row, at) : false;
    });
  }

  lease(
    keyId: string,
    at: number,
    cost: number,
    maxLease: number,
    back: LeaseBack | null,
  ): Promise<LeaseGrant | null> {
    return this.statement(() => {
      const row = this.rows.get(keyId);
      if (!row) return null;
      if (row.limit === null) return { ...row, grant: 0 };
      if (!this.refillNow(keyId, row, at) && back && same(row, back)) row.remaining += back.left;
      const avail = row.remaining;
      const grant =
        avail < cost
          ? 0
          : Math.min(avail, Math.max(cost, Math.min(maxLease, Math.floor(avail / 10))));
      row.remaining = avail - grant;
      return { ...row, grant };
    });
  }

  giveBack(items: readonly LeaseBack[]): Promise<void> {
    if (!items.some((i) => i.left > 0)) return Promise.resolve();
    return this.statement(() => {
      for (const item of items) {
        const row = this.rows.get(item.keyId);
        if (row && row.limit !== null && same(row, item)) row.remaining += item.left;
      }
    });
  }

  writeBackDelta(items: readonly (CreditIdentity & { spent: number })[]): Promise<Set<string>> {
    const some = items.filter((i) => i.spent > 0);
    if (!some.length) return Promise.resolve(new Set());
    return this.statement(() => {
      const matched = new Set<string>();
      for (const item of some) {
        const row = this.rows.get(item.keyId);
        if (!row || row.limit === null || !same(row, item)) continue;
        row.remaining = Math.max(0, row.remaining - item.spent);
        matched.add(item.keyId);
      }
      return matched;
    });
  }

  writeBackLeast(items: readonly (CreditIdentity & { value: number })[]): Promise<void> {
    if (!items.length) return Promise.resolve();
    return this.statement(() => {
      for (const item of items) {
        const row = this.rows.get(item.keyId);
        if (row && row.limit !== null && same(row, item)) {
          row.remaining = Math.min(row.remaining, item.value);
        }
      }
    });
  }
}

function same(row: CreditRow, id: { period: number; version: number }): boolean {
  return row.version === id.version && row.period === id.period;
}

/** A row for tests: `limit` credits, all of them left, in the period `at` falls in. */
export function freshRow(limit: number, refill: UsageRefill, at: number, version = 0): CreditRow {
  return { limit, refill, remaining: limit, period: periodOf(refill, at), version };
}
