import type { Sql } from "../sql.ts";
import { periodOf, USAGE_REFILLS, type UsageRefill } from "./period.ts";

/**
 * What a key's row says about its credits. `remaining` excludes credits leased out to instances;
 * `limit` null means the key has no usage limit (any more).
 */
export type CreditRow = {
  limit: number | null;
  refill: UsageRefill;
  remaining: number;
  period: number;
  version: number;
};

/** A counter's identity: credits of one key, in one refill period, under one admin version. */
export type CreditIdentity = { keyId: string; period: number; version: number };

/** An instance's unspent lease, handed back to the row it came from. */
export type LeaseBack = CreditIdentity & { left: number };

export type LeaseGrant = CreditRow & { grant: number };

/**
 * Every statement the ledgers send, one method per statement, so the ledger logic can run against
 * an in-memory model in property tests and against PostgreSQL in integration tests. `at` is the
 * instance's clock (epoch ms): the row's own refill kind picks its period, so an instance with a
 * stale idea of the refill still refills by the row's rule.
 */
export interface CreditRows {
  /** Statements sent so far (the bench counts them per spend). */
  readonly statements: number;
  /** The row now, or null when the key is gone. */
  read(keyId: string): Promise<CreditRow | null>;
  /**
   * Sets the credits back to the limit when the row's period is older than `at`'s, once per
   * period across every instance (the period moves with it). True when this call refilled.
   */
  refillIfDue(keyId: string, at: number): Promise<boolean>;
  /**
   * One conditional update on the locked row: refill if due, else take back `back` when it is of
   * the row's version and period, then grant `min(avail, max(cost, min(maxLease, avail / 10)))`
   * (0 when `avail < cost`) and decrement by it. A refusal with nothing to refill or give back
   * writes nothing. Null when the key is gone; `limit` null (grant 0) when it has no limit.
   */
  lease(
    keyId: string,
    at: number,
    cost: number,
    maxLease: number,
    back: LeaseBack | null,
  ): Promise<LeaseGrant | null>;
  /** Adds each leftover back to its row when the row is still of that version and period. */
  giveBack(items: readonly LeaseBack[]): Promise<void>;
  /**
   * Memory mode: subtracts what an instance spent (never below 0) where the identity still
   * matches. Returns the key ids whose row matched.
   */
  writeBackDelta(items: readonly (CreditIdentity & { spent: number })[]): Promise<Set<string>>;
  /**
   * Redis mode: lowers the row to the counter's value where the identity still matches (a stale
   * write-back never raises it).
   */
  writeBackLeast(items: readonly (CreditIdentity & { value: number })[]): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Key ids travel inside array literals, so only real UUIDs may reach the SQL. */
export function assertKeyId(keyId: string): void {
  if (typeof keyId !== "string" || !UUID.test(keyId)) {
    throw new TypeError("credits: keyId must be a UUID");
  }
}

function assertInt(name: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min || n > 2_147_483_647) {
    throw new TypeError(`credits: ${name} must be an integer of at least ${min}`);
  }
}

/** The period `at` falls in for each refill kind: the SQL picks the one of the row's kind. */
function periodsAt(at: number): [daily: number, monthly: number] {
  return [periodOf("daily", at), periodOf("monthly", at)];
}

/** The row's period at `at`, by the row's own refill kind (parameters $2 daily, $3 monthly). */
const NOW_PERIOD = `(case usage_refill when 'daily' then $2::int when 'monthly' then $3::int else 0 end)`;

const READ = `
  select usage_limit as "limit", usage_refill::text as refill,
    coalesce(usage_remaining, 0) as remaining, usage_period as period, usage_version as version
  from api_keys where id = $1::uuid`;

const REFILL_IF_DUE = `
  update api_keys set usage_remaining = usage_limit, usage_period = ${NOW_PERIOD}
  where id = $1::uuid and usage_refill <> 'never' and usage_limit is not null
    and usage_period < ${NOW_PERIOD}
  returning id`;

// The row is locked by the first CTE, so the grant is computed on the latest committed version
// (READ COMMITTED re-reads a row locked FOR UPDATE after waiting) and the update cannot lose a
// concurrent decrement. Refill takes precedence over a give-back: a leftover of the old period
// is worth nothing once the period has turned.
const LEASE = `
  with cur as (
    select id, usage_limit as lim, usage_refill as refill, usage_version as version,
      usage_period as period, coalesce(usage_remaining, 0) as remaining, ${NOW_PERIOD} as now_period
    from api_keys where id = $1::uuid for update
  ), step as (
    select cur.*,
      (refill <> 'never' and lim is not null and period < now_period) as refilled,
      (version = $5::int and period = $6::int) as gives
    from cur
  ), avail as (
    select step.*,
      case when refilled then lim when gives then remaining + $4::int else remaining end as avail,
      case when refilled then now_period else period end as new_period
    from step
  ), calc as (
    select avail.*,
      case when avail < $7::int then 0
        else least(avail, greatest($7::int, least($8::int, avail / 10))) end as granted
    from avail
  ), upd as (
    update api_keys k set usage_remaining = c.avail - c.granted, usage_period = c.new_period
    from calc c
    where k.id = c.id and c.lim is not null
      and (c.refilled or (c.gives and $4::int > 0) or c.granted > 0)
    returning k.id
  )
  select case when lim is null then 0 else granted end as "grant",
    case when lim is null then remaining else avail - granted end as remaining,
    version, new_period as period, lim as "limit", refill::text as refill
  from calc`;

const GIVE_BACK = `
  update api_keys k set usage_remaining = k.usage_remaining + g.left_over
  from unnest($1::uuid[], $2::int[], $3::int[], $4::int[]) as g(id, left_over, version, period)
  where k.id = g.id and k.usage_version = g.version and k.usage_period = g.period
    and k.usage_limit is not null and k.usage_remaining is not null`;

const WRITE_BACK_DELTA = `
  update api_keys k set usage_remaining = greatest(0, k.usage_remaining - d.spent)
  from unnest($1::uuid[], $2::int[], $3::int[], $4::int[]) as d(id, spent, version, period)
  where k.id = d.id and k.usage_version = d.version and k.usage_period = d.period
    and k.usage_limit is not null and k.usage_remaining is not null
  returning k.id::text as id`;

const WRITE_BACK_LEAST = `
  update api_keys k set usage_remaining = least(k.usage_remaining, v.value)
  from unnest($1::uuid[], $2::int[], $3::int[], $4::int[]) as v(id, value, version, period)
  where k.id = v.id and k.usage_version = v.version and k.usage_period = v.period
    and k.usage_limit is not null and k.usage_remaining is not null`;

/** Rows per batched statement: a flush of many keys stays a few statements of bounded size. */
const BATCH = 1000;

/** A Postgres array literal of validated UUIDs or integers (the form the app's usage writes use). */
function literal(values: readonly (string | number)[]): string {
  return `{${values.join(",")}}`;
}

function toRow(r: Record<string, unknown>): CreditRow {
  const refill = String(r.refill) as UsageRefill;
  return {
    limit: r.limit === null || r.limit === undefined ? null : Number(r.limit),
    refill: USAGE_REFILLS.includes(refill) ? refill : "never",
    remaining: Number(r.remaining),
    period: Number(r.period),
    version: Number(r.version),
  };
}

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

function identityColumns<T extends CreditIdentity>(
  items: readonly T[],
  amount: (item: T) => number,
) {
  for (const item of items) {
    assertKeyId(item.keyId);
    assertInt("amount", amount(item), 0);
    assertInt("period", item.period, 0);
    assertInt("version", item.version, 0);
  }
  return [
    literal(items.map((i) => i.keyId)),
    literal(items.map(amount)),
    literal(items.map((i) => i.version)),
    literal(items.map((i) => i.period)),
  ];
}

/** The credit statements over the `Sql` port: PostgreSQL (postgres.js) or PGlite alike. */
export function sqlCreditRows(db: Sql): CreditRows {
  let statements = 0;
  const sql = {
    query<T extends Record<string, unknown>>(text: string, params: readonly unknown[]) {
      statements++;
      return db.query<T>(text, params);
    },
  };
  return {
    get statements() {
      return statements;
    },
    async read(keyId) {
      assertKeyId(keyId);
      const [row] = await sql.query(READ, [keyId]);
      return row ? toRow(row) : null;
    },
    async refillIfDue(keyId, at) {
      assertKeyId(keyId);
      const rows = await sql.query(REFILL_IF_DUE, [keyId, ...periodsAt(at)]);
      return rows.length > 0;
    },
    async lease(keyId, at, cost, maxLease, back) {
      assertKeyId(keyId);
      assertInt("cost", cost, 0);
      assertInt("maxLease", maxLease, 1);
      if (back) {
        assertInt("left", back.left, 0);
        assertInt("period", back.period, 0);
        assertInt("version", back.version, 0);
      }
      const [row] = await sql.query(LEASE, [
        keyId,
        ...periodsAt(at),
        back?.left ?? 0,
        back?.version ?? -1,
        back?.period ?? -1,
        cost,
        maxLease,
      ]);
      return row ? { ...toRow(row), grant: Number(row.grant) } : null;
    },
    async giveBack(items) {
      const some = items.filter((i) => i.left > 0);
      for (const batch of batches(some)) {
        await sql.query(
          GIVE_BACK,
          identityColumns(batch, (i) => i.left),
        );
      }
    },
    async writeBackDelta(items) {
      const matched = new Set<string>();
      const some = items.filter((i) => i.spent > 0);
      for (const batch of batches(some)) {
        const rows = await sql.query<{ id: string }>(
          WRITE_BACK_DELTA,
          identityColumns(batch, (i) => i.spent),
        );
        for (const row of rows) matched.add(String(row.id).toLowerCase());
      }
      return matched;
    },
    async writeBackLeast(items) {
      for (const batch of batches(items)) {
        await sql.query(
          WRITE_BACK_LEAST,
          identityColumns(batch, (i) => i.value),
        );
      }
    },
  };
}
