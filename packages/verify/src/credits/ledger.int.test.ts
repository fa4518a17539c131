import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/tests/db";
import { sqlFromPostgres } from "../postgres.ts";
import type { Sql } from "../sql.ts";
import {
  type CreditLedger,
  type CreditTerms,
  createLeaseLedger,
  createMemoryLedger,
  createRedisLedger,
} from "./ledger.ts";
import { periodOf, type UsageRefill } from "./period.ts";
import { sqlCreditRows } from "./rows.ts";

const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";
/** A tenth of a second before a UTC midnight. */
const T0 = Date.UTC(2026, 11, 4, 23, 59, 59, 900);
const NEXT_DAY = T0 + 200;

const db = withTestDatabase();
const clients: postgres.Sql[] = [];
const redises: Redis[] = [];
let admin: postgres.Sql;
let redisUp = false;

/** A postgres.js client of its own (another instance's connection pool) on the test database. */
function connect(): postgres.Sql {
  const client = db.client();
  if (client.kind !== "postgres") throw new Error("needs PostgreSQL");
  const url = new URL(process.env.DATABASE_URL as string);
  url.pathname = `/${client.sql.options.database}`;
  const sql = postgres(url.toString(), { max: 5, onnotice: () => {} });
  clients.push(sql);
  return sql;
}

function connectRedis(): Redis {
  const redis = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1, connectTimeout: 1000 });
  redis.on("error", () => {});
  redises.push(redis);
  return redis;
}

beforeAll(async () => {
  if (db.client().kind !== "postgres") return;
  admin = connect();
  const probe = new Redis(REDIS_TEST_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    redisUp = (await probe.ping()) === "PONG";
  } catch {
    redisUp = false;
  } finally {
    probe.disconnect();
  }
});

afterAll(async () => {
  for (const redis of redises) redis.disconnect();
  await Promise.all(clients.map((c) => c.end({ timeout: 5 })));
});

type KeyRow = { limit: number; refill?: UsageRefill; remaining?: number; at?: number };

/** A key of a fresh organization with credits; returns its record terms. */
async function insertKey({ limit, refill = "never", remaining = limit, at = T0 }: KeyRow) {
  const [org] = await admin<{ id: string }[]>`
    insert into organizations (name) values ('Credits') returning id`;
  const [key] = await admin<{ id: string }[]>`
    insert into api_keys (organization_id, name, environment, prefix, hash, scopes,
      usage_limit, usage_refill, usage_remaining, usage_period)
    values (${org?.id as string}, 'metered', 'live', 'lk_live_test', ${randomBytes(32).toString("hex")},
      ${["things:read"]}, ${limit}, ${refill}, ${remaining}, ${periodOf(refill, at)})
    returning id`;
  const terms: CreditTerms = { keyId: key?.id as string, limit, refill, version: 0 };
  return terms;
}

async function row(keyId: string) {
  const [r] = await admin<{ remaining: number; period: number; version: number }[]>`
    select usage_remaining as remaining, usage_period as period, usage_version as version
    from api_keys where id = ${keyId}`;
  return r;
}

/** The admin's top-up: new remaining credits, version bumped. */
async function topUp(keyId: string, remaining: number) {
  await admin`update api_keys set usage_remaining = ${remaining}, usage_version = usage_version + 1
    where id = ${keyId}`;
}

/** `n` spends at once, spread over the ledgers in turn; how many were allowed. */
async function burst(ledgers: CreditLedger[], terms: CreditTerms, n: number, cost = 1) {
  const spends = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      (ledgers[i % ledgers.length] as CreditLedger).spend(terms, cost),
    ),
  );
  return spends.filter((s) => s.allowed).length;
}

type Clock = { at: number };

/** Three kinds of instance, each built on connections of its own. */
const modes = {
  memory: (clock: Clock = { at: T0 }) =>
    createMemoryLedger({ sql: sqlFromPostgres(connect()), now: () => clock.at }),
  redis: (clock: Clock = { at: T0 }, keyPrefix = `lk_credits_test_${randomUUID()}`) =>
    createRedisLedger({
      sql: sqlFromPostgres(connect()),
      redis: connectRedis(),
      keyPrefix,
      now: () => clock.at,
    }),
  lease: (clock: Clock = { at: T0 }) =>
    createLeaseLedger({ sql: sqlFromPostgres(connect()), now: () => clock.at }),
};

/** `n` instances of one mode, sharing one Redis key prefix. */
function instances(mode: keyof typeof modes, n: number, clocks: Clock[] = []) {
  const prefix = `lk_credits_test_${randomUUID()}`;
  return Array.from({ length: n }, (_, i) =>
    mode === "redis" ? modes.redis(clocks[i], prefix) : modes[mode](clocks[i]),
  );
}

const needsPostgres = !process.env.DATABASE_URL;

describe.skipIf(needsPostgres)("credits ledger on PostgreSQL", () => {
  const cases = [
    ["memory", 1],
    ["redis", 3],
    ["lease", 3],
  ] as const;

  describe.each(cases)("%s mode (%i instances)", (mode, n) => {
    it("allows exactly 10 of 50 parallel requests against 10 credits", async (ctx) => {
      if (mode === "redis" && !redisUp) return ctx.skip("Redis is not reachable");
      const terms = await insertKey({ limit: 10 });
      const ledgers = instances(mode, n);
      expect(await burst(ledgers, terms, 50)).toBe(10);
      expect(await burst(ledgers, terms, 50)).toBe(0);
      for (const ledger of ledgers) await ledger.close();
      expect(await row(terms.keyId)).toMatchObject({ remaining: 0 });
    });

    it("refills at the period boundary exactly once across instances", async (ctx) => {
      if (mode === "redis" && !redisUp) return ctx.skip("Redis is not reachable");
      const terms = await insertKey({ limit: 10, refill: "daily", remaining: 2 });
      const clocks = Array.from({ length: n }, () => ({ at: T0 }));
      const ledgers = instances(mode, n, clocks);
      expect(await burst(ledgers, terms, 6)).toBe(2);
      // The instances see midnight one after the other, spending all the while.
      let allowed = 0;
      for (const clock of clocks) {
        clock.at = NEXT_DAY;
        allowed += await burst(ledgers, terms, 7);
      }
      allowed += await burst(ledgers, terms, 50);
      expect(allowed).toBe(10);
      for (const ledger of ledgers) await ledger.close();
      expect(await row(terms.keyId)).toMatchObject({
        remaining: 0,
        period: periodOf("daily", NEXT_DAY),
      });
    });

    it("applies a top-up to the next spend of every instance that has the new version", async (ctx) => {
      if (mode === "redis" && !redisUp) return ctx.skip("Redis is not reachable");
      const terms = await insertKey({ limit: 3 });
      const ledgers = instances(mode, n);
      expect(await burst(ledgers, terms, 20)).toBe(3);
      await topUp(terms.keyId, 5);
      const fresh = { ...terms, version: 1 };
      for (const ledger of ledgers) {
        expect(await ledger.spend(fresh, 1)).toMatchObject({ allowed: true, version: 1 });
      }
      expect(await burst(ledgers, fresh, 50)).toBe(5 - n);
      for (const ledger of ledgers) await ledger.close();
      expect(await row(terms.keyId)).toMatchObject({ remaining: 0, version: 1 });
    });
  });

  describe.each([
    ["redis", 3],
    ["lease", 3],
  ] as const)("%s mode: a crash, then a restart", (mode, n) => {
    it("never grants more than the limit in total", async (ctx) => {
      if (mode === "redis" && !redisUp) return ctx.skip("Redis is not reachable");
      const terms = await insertKey({ limit: 100 });
      const prefix = `lk_credits_test_${randomUUID()}`;
      const make = () =>
        Array.from({ length: n }, () =>
          mode === "redis" ? modes.redis(undefined, prefix) : modes.lease(),
        );
      const crashed = make();
      let allowed = await burst(crashed, terms, 60);
      expect(allowed).toBe(60);
      // Dropped without flush or close: whatever they held is gone with them.
      const restarted = make();
      allowed += await burst(restarted, terms, 200);
      for (const ledger of restarted) await ledger.close();
      expect(allowed).toBeLessThanOrEqual(100);
      const stranded = 100 - allowed;
      // Redis keeps the counters; each crashed lease instance strands at most its one lease.
      if (mode === "redis") expect(stranded).toBe(0);
      else expect(stranded).toBeLessThanOrEqual(n * 10);
      expect(await row(terms.keyId)).toMatchObject({ remaining: 0 });
    });
  });

  it("memory mode: flush writes what was spent to the row", async () => {
    const terms = await insertKey({ limit: 100 });
    const ledger = modes.memory();
    await burst([ledger], terms, 30);
    expect(await row(terms.keyId)).toMatchObject({ remaining: 100 });
    await ledger.flush();
    expect(await row(terms.keyId)).toMatchObject({ remaining: 70 });
    await burst([ledger], terms, 5);
    await ledger.close();
    expect(await row(terms.keyId)).toMatchObject({ remaining: 65 });
  });

  it("lease mode: flush gives the unspent lease back", async () => {
    const terms = await insertKey({ limit: 1000 });
    const ledger = modes.lease();
    expect(await ledger.spend(terms, 1)).toMatchObject({ allowed: true, remaining: 999 });
    expect(await row(terms.keyId)).toMatchObject({ remaining: 900 });
    await ledger.flush();
    expect(await row(terms.keyId)).toMatchObject({ remaining: 999 });
  });

  it("lease mode: a leftover of an older version or period is never given back", async () => {
    const terms = await insertKey({ limit: 1000, refill: "daily" });
    const clock = { at: T0 };
    const ledger = modes.lease(clock);
    await ledger.spend(terms, 1); // a lease of 100, 99 of it left here
    await topUp(terms.keyId, 50);
    const fresh = { ...terms, version: 1 };
    await ledger.spend(fresh, 1); // the 99 are of version 0: a lease of 5 from the 50
    expect(await row(terms.keyId)).toMatchObject({ remaining: 45 });
    clock.at = NEXT_DAY; // 4 left of the old day: refilled, and the 4 are worth nothing
    await ledger.spend(fresh, 1);
    expect(await row(terms.keyId)).toMatchObject({ remaining: 900 });
    await ledger.close();
    expect(await row(terms.keyId)).toMatchObject({ remaining: 999 });
  });

  it("a flush after a top-up leaves the topped-up row alone (memory, lease)", async () => {
    for (const make of [modes.memory, modes.lease]) {
      const terms = await insertKey({ limit: 1000 });
      const ledger = make();
      await burst([ledger], terms, 10);
      await topUp(terms.keyId, 50);
      await ledger.flush();
      expect(await row(terms.keyId)).toMatchObject({ remaining: 50, version: 1 });
    }
  });

  it("lease mode: a refusal locks the row but writes nothing", async () => {
    const terms = await insertKey({ limit: 5 });
    const rows = sqlCreditRows(sqlFromPostgres(connect()));
    const xmin = async () =>
      (
        await admin<{ xmin: string }[]>`select xmin::text from api_keys where id = ${terms.keyId}`
      )[0]?.xmin;
    const before = await xmin();
    expect(await rows.lease(terms.keyId, T0, 6, 1000, null)).toMatchObject({
      grant: 0,
      remaining: 5,
    });
    expect(await xmin()).toBe(before);
    expect(await rows.lease(terms.keyId, T0, 5, 1000, null)).toMatchObject({
      grant: 5,
      remaining: 0,
    });
    expect(await xmin()).not.toBe(before);
  });

  it("Redis mode: a stale counter value written back never raises the row", async (ctx) => {
    if (!redisUp) return ctx.skip("Redis is not reachable");
    const terms = await insertKey({ limit: 100 });
    const prefix = `lk_credits_test_${randomUUID()}`;
    const [a, b] = [modes.redis(undefined, prefix), modes.redis(undefined, prefix)] as const;
    await burst([a], terms, 10);
    await burst([b], terms, 10);
    await b.flush();
    expect(await row(terms.keyId)).toMatchObject({ remaining: 80 });
    // What a flush that read the counter earlier would write.
    await connectRedis().set(`${prefix}:${terms.keyId}:0:0`, "95");
    await a.flush();
    expect(await row(terms.keyId)).toMatchObject({ remaining: 80 });
  });

  it("lease mode: 10,000 spends of 1,000,000 credits take about one statement per 1,000", async () => {
    const terms = await insertKey({ limit: 1_000_000 });
    const counted = countingSql(sqlFromPostgres(connect()));
    const ledger = createLeaseLedger({ sql: counted.sql });
    for (let i = 0; i < 10_000; i += 100) {
      expect(await burst([ledger], terms, 100)).toBe(100);
    }
    await ledger.close();
    expect(counted.statements()).toBeLessThanOrEqual(10_000 / 1000 + 2);
    expect(ledger.stats.statements).toBe(counted.statements());
    expect(await row(terms.keyId)).toMatchObject({ remaining: 990_000 });
  });

  it("Redis mode: one Redis call and no statement per warm spend", async (ctx) => {
    if (!redisUp) return ctx.skip("Redis is not reachable");
    const terms = await insertKey({ limit: 1_000_000 });
    const counted = countingSql(sqlFromPostgres(connect()));
    const redis = connectRedis();
    let calls = 0;
    for (const name of ["evalsha", "eval", "mget"] as const) {
      const original = redis[name].bind(redis) as (...args: unknown[]) => Promise<unknown>;
      (redis as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        calls++;
        return original(...args);
      };
    }
    const ledger = createRedisLedger({
      sql: counted.sql,
      redis,
      keyPrefix: `lk_credits_test_${randomUUID()}`,
    });
    await ledger.spend(terms, 1);
    const [statements, before] = [counted.statements(), calls];
    for (let i = 0; i < 2000; i++) await ledger.spend(terms, 1);
    expect(calls - before).toBe(2000);
    expect(counted.statements()).toBe(statements);
    expect(ledger.stats.redisCalls).toBe(calls);
    await ledger.close();
    expect(await row(terms.keyId)).toMatchObject({ remaining: 1_000_000 - 2001 });
  });

  it("the lease statement leaves an unlimited key's row alone and refuses nothing", async () => {
    const terms = await insertKey({ limit: 5 });
    await admin`update api_keys set usage_limit = null, usage_remaining = null,
      usage_version = usage_version + 1 where id = ${terms.keyId}`;
    const rows = sqlCreditRows(sqlFromPostgres(connect()));
    const grant = await rows.lease(terms.keyId, T0, 1, 1000, null);
    expect(grant).toMatchObject({ limit: null, grant: 0, version: 1 });
    expect(await row(terms.keyId)).toMatchObject({ remaining: null });
    const ledger = modes.lease();
    expect(await burst([ledger], { ...terms, version: 1 }, 20)).toBe(20);
    expect(await rows.lease(randomUUID(), T0, 1, 1000, null)).toBeNull();
  });
});

/** Counts the statements sent through a `Sql`. */
function countingSql(inner: Sql) {
  let statements = 0;
  const sql: Sql = {
    query(text, params) {
      statements++;
      return inner.query(text, params);
    },
    transaction: (fn) => inner.transaction(fn),
  };
  return { sql, statements: () => statements };
}
