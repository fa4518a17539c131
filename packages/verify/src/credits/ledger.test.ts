import { describe, expect, it } from "vitest";
import { FakeRedis } from "./fake-redis.ts";
import {
  type CreditLedger,
  type CreditTerms,
  createLeaseLedger,
  createMemoryLedger,
  createRedisLedger,
} from "./ledger.ts";
import { nextRefillAt, periodOf } from "./period.ts";
import type { CreditRows } from "./rows.ts";
import { CreditRowsModel, freshRow } from "./rows-model.ts";

const KEY = "6f1c2a8e-0b7d-4c1e-9a52-3d4e5f607182";
const DAY = 86_400_000;
/** Late in a UTC day, so a few minutes later is the next day's period. */
const T0 = Date.UTC(2026, 11, 4, 23, 50);

function setup(limit: number, refill: "never" | "daily" = "never") {
  const rows = new CreditRowsModel();
  rows.put(KEY, freshRow(limit, refill, T0));
  const clock = { at: T0 };
  const terms = (): CreditTerms => {
    const row = rows.get(KEY);
    return { keyId: KEY, limit, refill, version: row?.version ?? 0 };
  };
  return { rows, clock, terms, now: () => clock.at };
}

async function spendAll(ledger: CreditLedger, terms: () => CreditTerms, n: number, cost = 1) {
  const results = await Promise.all(Array.from({ length: n }, () => ledger.spend(terms(), cost)));
  return results.filter((r) => r.allowed).length;
}

/** Rows whose every statement fails: the store is unreachable. */
function failingRows(): CreditRows {
  const fail = async (): Promise<never> => {
    throw new Error("connect ECONNREFUSED");
  };
  return {
    statements: 0,
    read: fail,
    refillIfDue: fail,
    lease: fail,
    giveBack: fail,
    writeBackDelta: fail,
    writeBackLeast: fail,
  };
}

const modes = {
  memory: (rows: CreditRows, now: () => number) => createMemoryLedger({ rows, now }),
  redis: (rows: CreditRows, now: () => number, redis = new FakeRedis()) =>
    createRedisLedger({ rows, redis, now, keyPrefix: "t" }),
  lease: (rows: CreditRows, now: () => number) => createLeaseLedger({ rows, now }),
};

describe.each(Object.entries(modes))("%s ledger", (_name, make) => {
  it("allows exactly the credits, and refusals spend nothing", async () => {
    const { rows, terms, now } = setup(10);
    const ledger = make(rows, now);
    expect(await spendAll(ledger, terms, 50)).toBe(10);
    const refused = await ledger.spend(terms(), 1);
    expect(refused).toMatchObject({ allowed: false, limit: 10, remaining: 0, refillsAt: null });
    await ledger.flush();
    expect(rows.get(KEY)?.remaining).toBe(0);
  });

  it("spends the route's cost, refuses what is not covered, and never refuses cost 0", async () => {
    const { rows, terms, now } = setup(10);
    const ledger = make(rows, now);
    expect(await ledger.spend(terms(), 7)).toMatchObject({ allowed: true, remaining: 3 });
    expect(await ledger.spend(terms(), 4)).toMatchObject({ allowed: false, remaining: 3 });
    expect(await ledger.spend(terms(), 3)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await ledger.spend(terms(), 0)).toMatchObject({ allowed: true, remaining: 0 });
    await ledger.close();
    expect(rows.get(KEY)?.remaining).toBe(0);
  });

  it("rejects a cost outside 0..1000 and a key id that is not a UUID", async () => {
    const { rows, terms, now } = setup(10);
    const ledger = make(rows, now);
    for (const cost of [-1, 1.5, 1001, Number.NaN]) {
      await expect(ledger.spend(terms(), cost)).rejects.toThrow(RangeError);
    }
    await expect(ledger.spend({ ...terms(), keyId: "x}','{y" }, 1)).rejects.toThrow(TypeError);
    expect(rows.statements).toBe(0);
  });

  it("refills at the period boundary, once, and reports the next refill", async () => {
    const { rows, terms, now, clock } = setup(5, "daily");
    const ledger = make(rows, now);
    expect(await spendAll(ledger, terms, 8)).toBe(5);
    const refused = await ledger.spend(terms(), 1);
    expect(refused.refillsAt).toBe(nextRefillAt("daily", periodOf("daily", T0)));
    expect(refused.period).toBe(periodOf("daily", T0));
    clock.at = T0 + 15 * 60_000; // the next UTC day
    expect(await spendAll(ledger, terms, 8)).toBe(5);
    expect((await ledger.spend(terms(), 1)).period).toBe(periodOf("daily", T0) + 1);
    await ledger.flush();
    expect(rows.get(KEY)).toMatchObject({ remaining: 0, period: periodOf("daily", T0) + 1 });
  });

  it("applies a top-up to the next spend that carries the new version", async () => {
    const { rows, terms, now } = setup(3);
    const ledger = make(rows, now);
    expect(await spendAll(ledger, terms, 5)).toBe(3);
    rows.topUp(KEY, 4, T0);
    const next = await ledger.spend(terms(), 1);
    expect(next).toMatchObject({ allowed: true, remaining: 3, version: 1 });
    expect(await spendAll(ledger, terms, 10)).toBe(3);
  });

  it("does not settle a newer version's spend on a read that began before the top-up", async () => {
    const { rows, terms, now } = setup(0);
    const ledger = make(rows, now);
    const read = rows.read.bind(rows);
    const lease = rows.lease.bind(rows);
    let release = () => {};
    const latch = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first = true;
    const slow = async <T>(answer: T) => {
      if (first) {
        first = false;
        await latch;
      }
      return answer;
    };
    rows.read = async (keyId) => slow(await read(keyId));
    rows.lease = async (...args) => slow(await lease(...args));
    const before = ledger.spend(terms(), 1); // its read answers version 0, late
    await new Promise((resolve) => setTimeout(resolve, 5));
    rows.topUp(KEY, 5, T0);
    const after = ledger.spend(terms(), 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    expect(await before).toMatchObject({ allowed: false });
    expect(await after).toMatchObject({ allowed: true, version: 1 });
    expect(await spendAll(ledger, terms, 10)).toBe(4);
  });

  it("refuses a key whose row is gone, and allows one the row no longer limits", async () => {
    const { rows, terms, now } = setup(3);
    const ledger = make(rows, now);
    const gone = await ledger.spend(
      { ...terms(), keyId: "00000000-0000-4000-8000-000000000000" },
      1,
    );
    expect(gone).toMatchObject({ allowed: false, remaining: 0 });
    rows.put(KEY, { limit: null, refill: "never", remaining: 0, period: 0, version: 1 });
    expect(await spendAll(ledger, () => ({ ...terms(), version: 1 }), 20)).toBe(20);
  });

  it("throws (fails closed) when the store cannot be reached", async () => {
    const ledger = make(failingRows(), Date.now);
    await expect(
      ledger.spend({ keyId: KEY, limit: 1, refill: "never", version: 0 }, 1),
    ).rejects.toThrow("ECONNREFUSED");
  });
});

describe("memory ledger", () => {
  it("reads the row once and writes what was spent back as one delta per flush", async () => {
    const { rows, terms, now } = setup(100);
    const ledger = createMemoryLedger({ rows, now });
    expect(await spendAll(ledger, terms, 30)).toBe(30);
    expect(rows.statements).toBe(2); // refill-if-due, read
    expect(rows.get(KEY)?.remaining).toBe(100);
    await ledger.flush();
    expect(rows.get(KEY)?.remaining).toBe(70);
    expect(rows.statements).toBe(3);
    await ledger.flush(); // nothing new to write
    expect(rows.statements).toBe(3);
    expect(ledger.stats).toEqual({ statements: 3, redisCalls: 0 });
  });

  it("keeps the counts when a flush fails, and writes them next time", async () => {
    const { rows, terms, now } = setup(100);
    const ledger = createMemoryLedger({ rows, now });
    await spendAll(ledger, terms, 10);
    const write = rows.writeBackDelta.bind(rows);
    rows.writeBackDelta = async () => {
      throw new Error("down");
    };
    await expect(ledger.flush()).rejects.toThrow("down");
    rows.writeBackDelta = write;
    await spendAll(ledger, terms, 5);
    await ledger.flush();
    expect(rows.get(KEY)?.remaining).toBe(85);
  });

  it("keeps what it counted when a record claims a version the row does not have yet", async () => {
    const { rows, terms, now } = setup(10);
    const ledger = createMemoryLedger({ rows, now });
    await spendAll(ledger, terms, 3);
    expect(await ledger.spend({ ...terms(), version: 5 }, 1)).toMatchObject({ remaining: 6 });
    await ledger.flush();
    expect(rows.get(KEY)?.remaining).toBe(6);
  });

  it("re-reads the row after a write-back finds it moved on, even with a stale record", async () => {
    const { rows, now } = setup(10);
    const ledger = createMemoryLedger({ rows, now });
    const stale: CreditTerms = { keyId: KEY, limit: 10, refill: "never", version: 0 };
    await ledger.spend(stale, 10);
    rows.topUp(KEY, 4, T0);
    await ledger.flush(); // does not match version 1: the top-up stands
    expect(rows.get(KEY)?.remaining).toBe(4);
    expect(await ledger.spend(stale, 1)).toMatchObject({ allowed: true, remaining: 3, version: 1 });
  });
});

describe("Redis ledger", () => {
  it("spends with one Redis call once the counter exists, on every instance", async () => {
    const { rows, terms, now } = setup(1000);
    const redis = new FakeRedis();
    const a = createRedisLedger({ rows, redis, now });
    const b = createRedisLedger({ rows, redis, now });
    await a.spend(terms(), 1); // NOSCRIPT, EVAL: unknown; refill-if-due, read; EVALSHA
    expect(rows.statements).toBe(2);
    const before = redis.calls;
    for (let i = 0; i < 100; i++) await (i % 2 ? a : b).spend(terms(), 1);
    expect(redis.calls - before).toBe(100);
    expect(rows.statements).toBe(2);
    expect(a.stats.redisCalls + b.stats.redisCalls).toBe(redis.calls);
  });

  it("writes the counter back to the row on flush, never raising it", async () => {
    const { rows, terms, now } = setup(100);
    const redis = new FakeRedis();
    const a = createRedisLedger({ rows, redis, now });
    const b = createRedisLedger({ rows, redis, now });
    await spendAll(a, terms, 10);
    await spendAll(b, terms, 10);
    await b.flush();
    expect(rows.get(KEY)?.remaining).toBe(80);
    redis.values.set(`lk_credits:${KEY}:0:0`, "95"); // a stale counter value
    await a.flush();
    expect(rows.get(KEY)?.remaining).toBe(80);
  });

  it("fails closed when Redis is down, and keeps the write-back for later", async () => {
    const { rows, terms, now } = setup(100);
    const redis = new FakeRedis();
    const ledger = createRedisLedger({ rows, redis, now });
    await spendAll(ledger, terms, 10);
    redis.down = true;
    await expect(ledger.spend(terms(), 1)).rejects.toThrow("ECONNREFUSED");
    await expect(ledger.flush()).rejects.toThrow("ECONNREFUSED");
    redis.down = false;
    await ledger.flush();
    expect(rows.get(KEY)?.remaining).toBe(90);
  });

  it("survives an instance crash: the counter lives in Redis", async () => {
    const { rows, terms, now } = setup(20);
    const redis = new FakeRedis();
    const crashed = createRedisLedger({ rows, redis, now });
    expect(await spendAll(crashed, terms, 15)).toBe(15);
    const restarted = createRedisLedger({ rows, redis, now });
    expect(await spendAll(restarted, terms, 15)).toBe(5);
  });
});

describe("lease ledger", () => {
  it("leases a tenth of what is left, at most maxLease, and about one statement per lease", async () => {
    const { rows, terms, now } = setup(1_000_000);
    const ledger = createLeaseLedger({ rows, now });
    for (let i = 0; i < 10_000; i++) await ledger.spend(terms(), 1);
    expect(ledger.stats.statements).toBe(10);
    expect(rows.get(KEY)?.remaining).toBe(990_000);
    await ledger.close();
    expect(rows.get(KEY)?.remaining).toBe(990_000);
    expect(ledger.stats.statements).toBe(10); // nothing left over to give back

    const small = setup(1000);
    const other = createLeaseLedger({ rows: small.rows, now: small.now, maxLease: 50 });
    await other.spend(small.terms(), 1);
    expect(small.rows.get(KEY)?.remaining).toBe(950);
  });

  it("gives unspent leases back on flush", async () => {
    const { rows, terms, now } = setup(1000);
    const ledger = createLeaseLedger({ rows, now });
    await ledger.spend(terms(), 1);
    expect(rows.get(KEY)?.remaining).toBe(900);
    await ledger.flush();
    expect(rows.get(KEY)?.remaining).toBe(999);
  });

  it("spends the last credits one exact decrement at a time", async () => {
    const { rows, terms, now } = setup(25);
    const ledger = createLeaseLedger({ rows, now });
    await ledger.spend(terms(), 5); // 25 < 10 × 5: a lease of exactly the cost
    expect(rows.get(KEY)?.remaining).toBe(20);
    await ledger.spend(terms(), 1); // 20 ≥ 10: a lease of 2
    expect(rows.get(KEY)?.remaining).toBe(18);
  });

  it("strands at most one lease per instance in a crash: too few spent, never too many", async () => {
    const { rows, terms, now } = setup(1000);
    const crashed = createLeaseLedger({ rows, now });
    expect(await spendAll(crashed, terms, 50)).toBe(50);
    expect(rows.get(KEY)?.remaining).toBe(900); // one lease of 100, 50 of it spent
    const restarted = createLeaseLedger({ rows, now });
    let allowed = 0;
    while ((await restarted.spend(terms(), 1)).allowed) allowed++;
    expect(allowed).toBe(900);
  });

  it("refuses what its last look at the row could not cover without a statement, until flush", async () => {
    const { rows, terms, now } = setup(2);
    const a = createLeaseLedger({ rows, now });
    const b = createLeaseLedger({ rows, now });
    expect((await a.spend(terms(), 1)).allowed).toBe(true);
    expect((await b.spend(terms(), 1)).allowed).toBe(true);
    expect((await a.spend(terms(), 1)).allowed).toBe(false);
    const statements = rows.statements;
    expect((await a.spend(terms(), 1)).allowed).toBe(false);
    expect(rows.statements).toBe(statements);
    rows.topUp(KEY, 1, T0);
    expect((await a.spend(terms(), 1)).allowed).toBe(true);
  });

  it("strands the leftover rather than give it back twice when a lease statement fails", async () => {
    const { rows, terms, now } = setup(1000);
    const ledger = createLeaseLedger({ rows, now });
    await ledger.spend(terms(), 1); // lease of 100: 99 left locally, 900 in the row
    for (let i = 0; i < 99; i++) await ledger.spend(terms(), 1);
    await ledger.spend(terms(), 1); // next lease: 90
    expect(rows.get(KEY)?.remaining).toBe(810);
    const lease = rows.lease.bind(rows);
    rows.lease = async (...args) => {
      await lease(...args); // applied, but the answer is lost
      throw new Error("connection reset");
    };
    // 89 left locally is too little for 100: handed back in the failed statement, which then
    // granted 100 of 899. Keeping the 89 to give back again would create 89 credits.
    await expect(ledger.spend(terms(), 100)).rejects.toThrow("connection reset");
    expect(rows.get(KEY)?.remaining).toBe(799);
    rows.lease = lease;
    await ledger.close();
    expect(rows.get(KEY)?.remaining).toBe(799);
  });

  it("drops a lease of an older period at the boundary", async () => {
    const { rows, terms, now, clock } = setup(1000, "daily");
    const ledger = createLeaseLedger({ rows, now });
    await ledger.spend(terms(), 1);
    clock.at = T0 + DAY;
    await ledger.spend(terms(), 1);
    await ledger.close();
    expect(rows.get(KEY)).toMatchObject({ remaining: 999, period: periodOf("daily", T0 + DAY) });
  });
});
