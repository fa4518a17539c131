import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FakeRedis } from "./fake-redis.ts";
import {
  type CreditLedger,
  type CreditSpend,
  createLeaseLedger,
  createMemoryLedger,
  createRedisLedger,
} from "./ledger.ts";
import { CreditRowsModel, freshRow } from "./rows-model.ts";

const KEY = "6f1c2a8e-0b7d-4c1e-9a52-3d4e5f607182";
const DAY = 86_400_000;
/** Twenty minutes before a UTC midnight: clock jumps cross daily periods often. */
const T0 = Date.UTC(2026, 11, 4, 23, 40);

type Mode = "memory" | "redis" | "lease";

type Command =
  | { t: "spend"; i: number; cost: number; staleRecord: boolean }
  | { t: "flush"; i: number }
  | { t: "topUp"; remaining: number }
  | { t: "crash"; i: number }
  | { t: "tick"; ms: number };

function commands(instances: number, crashes: boolean) {
  const i = fc.nat({ max: instances - 1 });
  const command: fc.Arbitrary<Command> = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record({
        t: fc.constant("spend" as const),
        i,
        cost: fc.nat({ max: 6 }),
        staleRecord: fc.nat({ max: 5 }).map((n) => n === 0),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant("flush" as const), i }) },
    {
      weight: 2,
      arbitrary: fc.record({ t: fc.constant("topUp" as const), remaining: fc.nat({ max: 40 }) }),
    },
    { weight: crashes ? 1 : 0, arbitrary: fc.record({ t: fc.constant("crash" as const), i }) },
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant("tick" as const),
        ms: fc.oneof(
          fc.integer({ min: 0, max: 20 * 60_000 }),
          fc.integer({ min: DAY / 2, max: DAY }),
        ),
      }),
    },
  );
  return fc.array(command, { minLength: 4, maxLength: 60, size: "medium" });
}

type Spent = { spend: CreditSpend; cost: number };

/**
 * Several instances over one model database (and one fake Redis), their statements interleaved
 * by fast-check's scheduler, against one key.
 */
async function run(
  mode: Mode,
  s: fc.Scheduler,
  setup: {
    limit: number;
    refill: "never" | "daily";
    instances: number;
    lags: number[];
    maxLease: number;
  },
  script: Command[],
) {
  let gated = true;
  const gate = () => (gated ? s.schedule(Promise.resolve()) : Promise.resolve());
  const rows = new CreditRowsModel(gate);
  rows.put(KEY, freshRow(setup.limit, setup.refill, T0));
  const redis = new FakeRedis(gate);
  let clock = T0;
  const make = (i: number): CreditLedger => {
    const now = () => clock - (setup.lags[i] ?? 0);
    if (mode === "memory") return createMemoryLedger({ rows, now });
    if (mode === "redis") return createRedisLedger({ rows, redis, now, keyPrefix: "p" });
    return createLeaseLedger({ rows, now, maxLease: setup.maxLease });
  };
  const ledgers = Array.from({ length: setup.instances }, (_, i) => make(i));
  const spent: Spent[] = [];
  let crashed = false;
  const terms = (stale = false) => ({
    keyId: KEY,
    limit: setup.limit,
    refill: setup.refill,
    version: stale ? 0 : (rows.get(KEY)?.version ?? 0),
  });

  const exec = async (c: Command) => {
    const at = (i: number) => ledgers[i % ledgers.length] as CreditLedger;
    if (c.t === "spend") {
      const cost = c.cost;
      spent.push({
        spend: await at(c.i).spend(terms(c.staleRecord), cost),
        cost,
      });
    } else if (c.t === "flush") await at(c.i).flush();
    else if (c.t === "topUp") rows.topUp(KEY, c.remaining, clock);
    else if (c.t === "crash") {
      ledgers[c.i % ledgers.length] = make(c.i % ledgers.length);
      crashed = true;
    } else clock += c.ms;
  };
  // Commands start in order, one scheduler step apart, without waiting for each other: a clock
  // jump or a top-up lands between the statements of spends still in flight.
  const started: Promise<void>[] = [];
  s.scheduleSequence(
    script.map((c) => ({
      label: c.t,
      builder: async () => {
        started.push(exec(c));
      },
    })),
  );
  await s.waitIdle();
  await Promise.all(started);

  // Everything settled: hand back what is held, then every instance keeps asking for one credit
  // until none is allowed anywhere.
  gated = false;
  for (const ledger of ledgers) await ledger.flush();
  const drained = ledgers.map(() => true);
  while (drained.some(Boolean)) {
    for (const [i, ledger] of ledgers.entries()) {
      const spend = await ledger.spend(terms(), 1);
      drained[i] = spend.allowed;
      spent.push({ spend, cost: 1 });
    }
  }
  for (const ledger of ledgers) await ledger.close();
  return { rows, spent, crashed };
}

function allowedPerIdentity(spent: Spent[]) {
  const allowed = new Map<string, number>();
  for (const { spend, cost } of spent) {
    if (!spend.allowed) continue;
    const id = CreditRowsModel.identity(KEY, spend.period, spend.version);
    allowed.set(id, (allowed.get(id) ?? 0) + cost);
  }
  return allowed;
}

function property(mode: Mode) {
  const multi = mode !== "memory";
  return fc.asyncProperty(
    fc.scheduler(),
    fc.record({
      limit: fc.nat({ max: 40 }),
      refill: fc.constantFrom("never" as const, "daily" as const),
      instances: fc.integer({ min: 1, max: multi ? 3 : 1 }),
      // Instance clocks a little behind the others see the row's period move first.
      lags: fc.array(fc.constantFrom(0, 0, 60_000), { minLength: 3, maxLength: 3 }),
      maxLease: fc.integer({ min: 1, max: 20 }),
    }),
    // Half the runs crash instances; the others must end exact.
    fc.boolean().chain((crashes) => commands(multi ? 3 : 1, multi && crashes)),
    async (s, setup, script) => {
      const { rows, spent, crashed } = await run(mode, s, setup, script);
      const allowed = allowedPerIdentity(spent);
      // Never more than the credits of each (key, period, version).
      for (const [id, total] of allowed) {
        expect(total, id).toBeLessThanOrEqual(rows.available.get(id) ?? 0);
      }
      // And, with every lease handed back and nobody crashed, exactly all of the last one's.
      const row = rows.get(KEY);
      if (!row) throw new Error("row gone");
      const last = CreditRowsModel.identity(KEY, row.period, row.version);
      expect(row.remaining).toBe(crashed ? row.remaining : 0);
      if (!crashed || mode === "redis") {
        expect(allowed.get(last) ?? 0).toBe(rows.available.get(last));
      }
      expect(rows.remade).toBe(0);
    },
  );
}

describe.each(["memory", "redis", "lease"] as const)(
  "%s ledger under random interleavings",
  (mode) => {
    it("allows at most the credits of each period and version, and all of them when asked", async () => {
      await fc.assert(property(mode), { numRuns: 300 });
    });
  },
);
