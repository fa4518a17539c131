import { createHash } from "node:crypto";
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
import { nextRefillAt, periodOf } from "./period.ts";
import type { CreditIdentity, CreditRow } from "./rows.ts";
import type { CreditLedger, CreditTerms } from "./types.ts";

/** What the ledger uses of an ioredis `Redis` client (MGET spans keys, so not a `Cluster`). */
export interface CreditRedis {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  mget(...keys: string[]): Promise<(string | null)[]>;
}

/**
 * One spend, atomically: KEYS[1] the counter, ARGV cost, initial credits ('' when unknown to the
 * caller), TTL in ms. A missing counter with no initial value answers "unknown" (-1) so the
 * caller reads the row and comes back with it; a missing counter with one is created, once, by
 * whoever comes first. Refusals spend nothing. Every spend pushes the expiry out.
 */
export const SPEND_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if not v then
  if ARGV[2] == '' then return {-1, 0} end
  v = ARGV[2]
end
v = tonumber(v)
local cost = tonumber(ARGV[1])
local allowed = 0
if v >= cost then
  v = v - cost
  allowed = 1
end
redis.call('SET', KEYS[1], v, 'PX', ARGV[3])
return {allowed, v}
`;

export const SPEND_SHA = createHash("sha1").update(SPEND_SCRIPT).digest("hex");

const DAY_MS = 86_400_000;

/** Counters outlive their period by a day (late write-backs), or idle a week without refill. */
function ttlMs(held: Held, at: number): number {
  if (held.refill === "never") return 7 * DAY_MS;
  const end = (nextRefillAt(held.refill, held.period) ?? at) + DAY_MS;
  return Math.max(60_000, end - at);
}

type KeyState = Held & { checked: number; row?: CreditRow };

/**
 * Instances sharing Redis: each key's credits of one identity are one Redis counter
 * `${keyPrefix}:${keyId}:${period}:${version}`, created from the row by the first spend that
 * finds it missing and spent by one script call per request, so no interleaving overspends.
 * Flush writes the counters touched since the last flush back to their rows (monotone: a stale
 * value never raises a row). Redis unreachable: spend throws (fail closed).
 */
export function createRedisLedger(
  o: LedgerStore & { redis: CreditRedis; now?: () => number; keyPrefix?: string },
): CreditLedger {
  const rows = rowsOf(o);
  const now = o.now ?? Date.now;
  const prefix = o.keyPrefix ?? "lk_credits";
  const redis = o.redis;
  let known = new Map<string, KeyState>();
  let touched = new Map<string, CreditIdentity>();
  const loads = new PerKey<{ row: CreditRow | null; version: number }>();
  let redisCalls = 0;

  const counterKey = (keyId: string, id: { period: number; version: number }) =>
    `${prefix}:${keyId}:${id.period}:${id.version}`;

  async function run(
    keyId: string,
    held: Held,
    cost: number,
    initial: number | null,
    at: number,
  ): Promise<{ allowed: boolean; value: number } | null> {
    const args = [counterKey(keyId, held), cost, initial ?? "", ttlMs(held, at)] as const;
    let reply: unknown;
    redisCalls++;
    try {
      reply = await redis.evalsha(SPEND_SHA, 1, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      redisCalls++;
      reply = await redis.eval(SPEND_SCRIPT, 1, ...args);
    }
    const [allowed, value] = (Array.isArray(reply) ? reply : []).map(Number);
    if (allowed === undefined || value === undefined || Number.isNaN(allowed + value)) {
      throw new Error("credits: unexpected reply from the spend script");
    }
    return allowed === -1 ? null : { allowed: allowed === 1, value };
  }

  function remember(keyId: string, held: Held, checked: number, row?: CreditRow): void {
    const before = known.get(keyId);
    if (!before || newer(held, before) || sameIdentity(held, before)) {
      const seen = before && sameIdentity(held, before) ? before.checked : checked;
      known.set(keyId, { ...held, checked: Math.max(seen, checked), row });
    }
    // A row without a limit has no counter to write back.
    if (!row)
      touched.set(counterKey(keyId, held), { keyId, period: held.period, version: held.version });
  }

  /** The identity to try first: what the ledger holds, its next period, or the cached terms'. */
  function guess(terms: CreditTerms, at: number): KeyState {
    const held = known.get(terms.keyId);
    if (held && current(held, terms, at)) return held;
    if (held && terms.version <= held.checked && !held.row) {
      return { ...held, period: periodOf(held.refill, at) };
    }
    return { ...terms, period: periodOf(terms.refill, at), checked: terms.version };
  }

  async function flush(): Promise<void> {
    const items = [...touched.entries()];
    touched = new Map();
    if (!items.length) return;
    try {
      const writes: (CreditIdentity & { value: number })[] = [];
      for (let i = 0; i < items.length; i += 500) {
        const chunk = items.slice(i, i + 500);
        redisCalls++;
        const values = await redis.mget(...chunk.map(([key]) => key));
        chunk.forEach(([, id], j) => {
          const value = values[j];
          if (value !== null && value !== undefined) writes.push({ ...id, value: Number(value) });
        });
      }
      await rows.writeBackLeast(writes);
    } catch (error) {
      // Write-backs are monotone, so trying again next time is always safe.
      for (const [key, id] of items) if (!touched.has(key)) touched.set(key, id);
      throw error;
    }
  }

  return {
    async spend(terms, cost) {
      checkSpend(terms, cost);
      const { keyId } = terms;
      const at = now();
      const first = guess(terms, at);
      if (first.row?.limit === null) return unlimited(terms, first.row);
      const tried = await run(keyId, first, cost, null, at);
      if (tried) {
        remember(keyId, first, first.checked);
        return result(first, tried.allowed, tried.value);
      }
      // No counter yet for this identity (or the row is no longer limited): the row decides. A
      // read that began before this record's version was written is read again, once.
      const load = () =>
        loads.join(keyId, async () => {
          await rows.refillIfDue(keyId, at);
          return { row: await rows.read(keyId), version: terms.version };
        });
      let loaded = await load();
      if (loaded.row && loaded.row.version < terms.version && loaded.version < terms.version) {
        loaded = await load();
      }
      const row = loaded.row;
      if (!row) {
        known.delete(keyId);
        return missing(terms, at);
      }
      const checked = Math.max(row.version, loaded.version);
      if (row.limit === null) {
        remember(keyId, { ...terms, ...row, refill: "never", limit: terms.limit }, checked, row);
        return unlimited(terms, row);
      }
      const held: Held = { ...row, limit: row.limit };
      const spent = await run(keyId, held, cost, row.remaining, at);
      if (!spent) throw new Error("credits: counter missing after it was created");
      remember(keyId, held, checked);
      return result(held, spent.allowed, spent.value);
    },
    flush,
    async close() {
      await loads.idle();
      try {
        await flush();
      } finally {
        known = new Map();
        touched = new Map();
      }
    },
    stats: {
      get statements() {
        return rows.statements;
      },
      get redisCalls() {
        return redisCalls;
      },
    },
  };
}
