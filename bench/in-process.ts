/** In-process measurements: the verifier beside its floor and baselines, memory, dashboard queries. */
import { createHash } from "node:crypto";
import { KeyCache } from "@latchkey/verify/cache";
import { FixedWindowKeyLimiter } from "@latchkey/verify/rate-limit";
import { SqlKeyStore } from "@latchkey/verify/store";
import { Verifier } from "@latchkey/verify/verifier";
import { eq, sql } from "drizzle-orm";
import type { Db, DbClient } from "@/db";
import { keysPageData } from "@/db/queries/keys-page";
import { keyStats } from "@/db/queries/usage-stats";
import { apiKeys, organizations } from "@/db/schema";
import { appSql } from "@/db/sql";
import type { BenchKey } from "./seed";

/** Runs op(0..n-1) with `inFlight` callers at once, until n ops or maxMs; returns ops/s. */
export async function opsPerSecond(
  n: number,
  inFlight: number,
  maxMs: number,
  op: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + maxMs;
  const worker = async () => {
    while (next < n && performance.now() < deadline) {
      await op(next++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / ((performance.now() - started) / 1000);
}

/** A verifier on the process's database as the app runs it (`appSql`: prepared on PostgreSQL). */
export function newVerifier(): Verifier {
  const cache = new KeyCache();
  // As in the server once its change listener's heartbeat flows: the normal TTLs, not 1 s.
  cache.setHealthy(true);
  return new Verifier({
    store: new SqlKeyStore(() => appSql),
    cache,
    limiter: new FixedWindowKeyLimiter(),
    defaultRateLimitPerMinute: 600,
  });
}

const RAW_LOOKUP = `select k.id, k.organization_id, o.name as organization_name, k.name, k.environment, k.scopes,
  k.status, k.expires_at, k.allowed_ips, k.rate_limit_per_minute
  from api_keys k join organizations o on o.id = k.organization_id where k.hash = $1 limit 1`;

/** The cache-miss target: the same indexed join through the driver itself, prepared. */
export function rawLookup(client: DbClient): (hash: string) => Promise<unknown> {
  if (client.kind === "postgres") {
    return (hash) => client.sql.unsafe(RAW_LOOKUP, [hash], { prepare: true });
  }
  return (hash) => client.pg.query(RAW_LOOKUP, [hash]);
}

/** What a verifier without a cache or usage buffer does: a lookup and a write per request. */
export function naiveVerify(db: Db): (hash: string) => Promise<unknown> {
  return async (hash) => {
    const [row] = await db
      .select({ id: apiKeys.id, name: organizations.name })
      .from(apiKeys)
      .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
      .where(eq(apiKeys.hash, hash))
      .limit(1);
    if (row) await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.id));
  };
}

/** SHA-256 and a Map: what any cached verifier must at least do per request. */
export function floor(keys: readonly BenchKey[]): (key: string) => Promise<unknown> {
  const map = new Map(keys.map((k) => [k.hash, k]));
  return async (key) => map.get(createHash("sha256").update(key).digest("hex"));
}

/** RSS and V8 heap in MB, after a full collection (run with --expose-gc). */
export function memoryMb(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: rss / 1024 / 1024, heap: heapUsed / 1024 / 1024 };
}

/** Median wall time of fn in ms, after a warm-up. */
export async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** What the keys page reads for its first page (the list and its banners). */
export const keysPage = (db: Db, organizationId: string) => () =>
  keysPageData(db, organizationId, { sort: "created" }, new Date());

export const ninetyDayStats = (db: Db, organizationId: string, keyId: string) => () =>
  keyStats(db, organizationId, keyId, "90d");
