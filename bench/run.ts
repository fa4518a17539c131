/**
 * `npm run bench` (`-- --quick` for a short run): the production server over real HTTP and the
 * verifier in-process, on PostgreSQL when DATABASE_URL is set (a fresh database, dropped after)
 * or on PGlite in .data/bench. Targets are ratios within this one run: the machine is shared, so
 * absolute figures move between runs but ratios hold. Prints a table and writes
 * bench/results/<date>-<db>.json.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { SqlKeyStore } from "@latchkey/verify/store";
import {
  createPgliteClient,
  createPostgresClient,
  type DbClient,
  migrateDatabase,
  setClient,
  wrapClient,
} from "@/db";
import { sqlOf } from "@/db/sql";
import { combine, type Load, load, percentile } from "./http";
import {
  floor,
  keysPage,
  medianMs,
  memoryMb,
  naiveVerify,
  newVerifier,
  ninetyDayStats,
  opsPerSecond,
  rawLookup,
} from "./in-process";
import { fmt, machine, printTable, type Row, writeResults } from "./report";
import {
  badChecksumKeys,
  createBenchOrg,
  insertRealKeys,
  seedKeyList,
  seedNinetyDaysOfUsage,
  setUsageLimit,
  unknownKeys,
} from "./seed";
import {
  buildIfStale,
  buildPackageIfStale,
  type PgStats,
  pgStats,
  type Server,
  startBareServer,
  startServer,
} from "./server";
import {
  type CreditKeys,
  creditsInProcess,
  creditsOverHttp,
  directInProcess,
  exampleService,
  ledgerStatements,
  remoteVerifier,
} from "./verify-package";

const quick = process.argv.includes("--quick");
/** Only the server over HTTP (for profiling it with BENCH_SERVER_NODE_ARGS); writes no results. */
const httpOnly = process.argv.includes("--http-only");
/**
 * The server's port (`--port=` or BENCH_PORT); the bare node:http baseline takes the next one, the
 * example service the two after it (direct, remote).
 */
const PORT = Number(
  process.argv.find((a) => a.startsWith("--port="))?.slice(7) ?? process.env.BENCH_PORT ?? 3216,
);
const DATA_DIR = path.resolve(`.data/bench/${process.env.DATABASE_URL ? "postgres" : "pglite"}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Distinct keys for the miss and memory phases (`--distinct=N`; 100,000 unless a slow host needs fewer). */
const DISTINCT = Number(
  process.argv.find((a) => a.startsWith("--distinct="))?.slice(11) ?? 100_000,
);

/** Timings of this run; quick trades precision for a ~1-minute run. */
const T = quick
  ? { inProcessMs: 1500, rounds: 1, roundSec: 3, warmSec: 2, oneConnSec: 8, loadSec: 15, pages: 15 }
  : {
      inProcessMs: 4000,
      rounds: 3,
      roundSec: 5,
      warmSec: 3,
      oneConnSec: 20,
      loadSec: 60,
      pages: 40,
    };
/** Sections 7 and 8 over HTTP: shorter interleaved rounds, so they add about two minutes. */
const P = quick ? { rounds: 1, roundSec: 2, warmSec: 1 } : { rounds: 2, roundSec: 3, warmSec: 2 };

async function freshDatabase(): Promise<{ url?: string; drop: () => Promise<void> }> {
  const admin = process.env.DATABASE_URL;
  if (!admin) {
    rmSync(DATA_DIR, { recursive: true, force: true });
    return { drop: async () => rmSync(DATA_DIR, { recursive: true, force: true }) };
  }
  const name = `lk_bench_run_${Date.now()}`;
  const client = createPostgresClient(admin, 1);
  if (client.kind !== "postgres") throw new Error("unreachable");
  await client.sql.unsafe(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await client.sql.unsafe(`drop database if exists ${name} with (force)`);
      await client.close();
      rmSync(DATA_DIR, { recursive: true, force: true });
    },
  };
}

async function main() {
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  const row = (r: Row) => {
    rows.push(r);
    console.info(`  ${r.metric.padEnd(58)} ${r.value}`);
  };

  const host = machine();
  await buildIfStale();
  if (!httpOnly) buildPackageIfStale();
  const database = await freshDatabase();
  dropOnFailure = database.drop;
  const kind = database.url ? "postgres" : "pglite";
  console.info(`\nLatchkey bench on ${kind}${quick ? " (quick)" : ""}\n`);

  // --- seed -----------------------------------------------------------------------------------
  let client: DbClient = database.url
    ? createPostgresClient(database.url)
    : createPgliteClient(path.join(DATA_DIR, "pglite"));
  await migrateDatabase(client);
  setClient(client);
  const db = wrapClient(client);
  const benchOrg = await createBenchOrg(db, "Bench");
  const keys = await insertRealKeys(db, benchOrg, 1000);
  const [verifyCaller] = await insertRealKeys(db, benchOrg, 1, ["keys:verify"]);
  if (!verifyCaller) throw new Error("seed failed");
  // Section 8: keys with a usage limit (set as an admin change sets it) and one without.
  const [unlimited, huge, redisCredits, leaseCredits] = await insertRealKeys(db, benchOrg, 4);
  if (!unlimited || !huge || !redisCredits || !leaseCredits) throw new Error("seed failed");
  await setUsageLimit(db, benchOrg, huge.hash, 1_000_000_000);
  await setUsageLimit(db, benchOrg, redisCredits.hash, 1_000_000);
  await setUsageLimit(db, benchOrg, leaseCredits.hash, 1_000_000);
  const creditKeys: CreditKeys = {
    unlimited: unlimited.key,
    huge: huge.key,
    redis: { key: redisCredits.key, limit: 1_000_000 },
    lease: { key: leaseCredits.key, limit: 1_000_000 },
  };
  const missOrg = await createBenchOrg(db, "Bench misses");
  const distinct = await insertRealKeys(db, missOrg, httpOnly ? 0 : DISTINCT);
  const smallOrg = await createBenchOrg(db, "Twenty keys");
  await seedKeyList(smallOrg, 20);
  const bigOrg = await createBenchOrg(db, "Ten thousand keys");
  await seedKeyList(bigOrg, 10_000);
  const statsKeyRow = await new SqlKeyStore(() => sqlOf(db)).findByHash(
    (keys[0] as { hash: string }).hash,
  );
  if (!statsKeyRow) throw new Error("seed failed");
  const statsKeyId: string = statsKeyRow.id;
  await seedNinetyDaysOfUsage(db, benchOrg, statsKeyId);
  const unknown = unknownKeys(1000);
  const bad = badChecksumKeys(keys);
  // What autovacuum does on a live PostgreSQL (and PGlite never does by itself): statistics and
  // the visibility map, so the plans are the steady-state ones.
  if (client.kind === "postgres") await client.sql`vacuum analyze`;
  else await client.pg.exec("vacuum analyze");
  console.info(
    `seeded: 1,000 bench keys, ${fmt(DISTINCT)} distinct keys, orgs of 20 and 10,000 keys, 90 days of usage\n`,
  );

  if (!httpOnly) await inProcess();
  async function inProcess() {
    // --- (4a) memory: 100,000 distinct keys through one verifier --------------------------------
    console.info("in-process:");
    {
      const verifier = newVerifier();
      const before = memoryMb();
      await opsPerSecond(distinct.length, 64, Number.POSITIVE_INFINITY, (i) =>
        verifier.verify({ key: distinct[i]?.key, clientIp: "127.0.0.1" }),
      );
      const after = memoryMb();
      const rss = after.rss - before.rss;
      const heap = after.heap - before.heap;
      results.memory100k = { before, after, cacheEntries: verifier.cache.size };
      row({
        section: "4. memory",
        metric: `verifier RSS before → after ${fmt(DISTINCT)} distinct keys (MB)`,
        value: `${fmt(before.rss)} → ${fmt(after.rss)} (+${fmt(rss)}; JS heap +${fmt(heap)}; ${fmt(verifier.cache.size)} cached)`,
        target: "growth ≤ 64 MB at 100,000",
        met: DISTINCT >= 100_000 ? rss <= 64 : undefined,
      });
    }

    // --- (2) verifier in-process ----------------------------------------------------------------
    {
      const ms = T.inProcessMs;
      const hitVerifier = newVerifier();
      for (const k of keys) await hitVerifier.verify({ key: k.key, clientIp: "127.0.0.1" });
      const verify = (v: ReturnType<typeof newVerifier>, list: readonly string[]) => (i: number) =>
        v.verify({ key: list[i % list.length], clientIp: "127.0.0.1" });
      const keyStrings = keys.map((k) => k.key);
      const floorOp = floor(keys);
      const floorRate = await opsPerSecond(1e9, 64, ms, (i) =>
        floorOp(keyStrings[i % 1000] as string),
      );
      const hit = await opsPerSecond(1e9, 64, ms, verify(hitVerifier, keyStrings));
      const badRate = await opsPerSecond(1e9, 64, ms, verify(newVerifier(), bad));
      // A flood of made-up keys: 100 distinct, each already answered once (the negative cache).
      const unknownVerifier = newVerifier();
      for (const key of unknown.slice(0, 100))
        await unknownVerifier.verify({ key, clientIp: "127.0.0.1" });
      const unknownRate = await opsPerSecond(
        1e9,
        64,
        ms,
        verify(unknownVerifier, unknown.slice(0, 100)),
      );
      // Misses: every verification a key no cache has seen (a fresh verifier, keys used once).
      const pool = distinct.map((k) => k.key);
      let offset = 0;
      const miss = async (inFlight: number, n: number) => {
        const v = newVerifier();
        const slice = pool.slice(offset, offset + n);
        offset += n;
        return opsPerSecond(slice.length, inFlight, ms, verify(v, slice));
      };
      const raw = rawLookup(client);
      const hashes = distinct.map((k) => k.hash);
      const rawAt = (inFlight: number) =>
        opsPerSecond(1e9, inFlight, ms, (i) => raw(hashes[(i * 7919) % hashes.length] as string));
      const miss64 = await miss(64, DISTINCT * 0.4);
      const miss1 = await miss(1, DISTINCT * 0.1);
      const raw1 = await rawAt(1);
      const miss50 = await miss(50, DISTINCT * 0.4);
      const raw50 = await rawAt(50);
      const naive = naiveVerify(db);
      const naiveRate = await opsPerSecond(1e9, 64, ms, (i) =>
        naive(keys[i % 1000]?.hash as string),
      );
      results.verifier = {
        floorRate,
        hit,
        miss64,
        miss1,
        miss50,
        raw1,
        raw50,
        badRate,
        unknownRate,
        naiveRate,
      };
      const s = "2. verifier";
      row({
        section: s,
        metric: "SHA-256 + Map floor, 64 in flight (ops/s)",
        value: fmt(floorRate),
      });
      row({
        section: s,
        metric: "cache hit, 64 in flight (verifications/s; × floor)",
        value: `${fmt(hit)} (${fmt(hit / floorRate, 2)}×)`,
        target: "≥ 250,000/s and ≥ 0.35× floor",
        met: hit >= 250_000 && hit / floorRate >= 0.35,
      });
      row({
        section: s,
        metric: "bad checksum, 64 in flight (verifications/s)",
        value: fmt(badRate),
      });
      row({
        section: s,
        metric: "unknown key (100 distinct, negative cache), 64 in flight (verifications/s)",
        value: fmt(unknownRate),
      });
      row({ section: s, metric: "cache miss, 64 in flight (verifications/s)", value: fmt(miss64) });
      row({
        section: s,
        metric: "cache miss vs raw indexed SELECT, 1 in flight (/s; ratio)",
        value: `${fmt(miss1)} vs ${fmt(raw1)} (${fmt(miss1 / raw1, 2)})`,
        target: "≥ 0.8",
        met: miss1 / raw1 >= 0.8,
      });
      row({
        section: s,
        metric: "cache miss vs raw indexed SELECT, 50 in flight (/s; ratio)",
        value: `${fmt(miss50)} vs ${fmt(raw50)} (${fmt(miss50 / raw50, 2)})`,
        target: "≥ 0.8",
        met: miss50 / raw50 >= 0.8,
      });
      row({
        section: s,
        metric: "naive SELECT + UPDATE per request, 64 in flight (/s; hit ×)",
        value: `${fmt(naiveRate)} (hit ${fmt(hit / naiveRate)}×)`,
        target: "hit ≥ 50× naive",
        met: hit / naiveRate >= 50,
      });
    }

    // --- (5) dashboard --------------------------------------------------------------------------
    {
      const small = await medianMs(T.pages, keysPage(db, smallOrg));
      const big = await medianMs(T.pages, keysPage(db, bigOrg));
      const stats = await medianMs(
        Math.ceil(T.pages / 2),
        ninetyDayStats(db, benchOrg, statsKeyId),
      );
      results.dashboard = { keysPage20Ms: small, keysPage10kMs: big, stats90dMs: stats };
      const s = "5. dashboard";
      row({
        section: s,
        metric: "keys page 1: 20-key org vs 10,000-key org (ms; ratio)",
        value: `${fmt(small, 2)} vs ${fmt(big, 2)} (${fmt(big / small, 2)})`,
        target: "≤ 1.5",
        met: big / small <= 1.5,
      });
      row({
        section: s,
        metric: "90-day stats, 129,600 per-minute rows (ms)",
        value: fmt(stats, 1),
        target: "≤ 100 ms",
        met: stats <= 100,
      });
    }

    // --- (7a) the package's direct verifier, (8a, 8b) credits, in this process -----------------
    console.info("\nthe package and credits, in-process:");
    const started = performance.now();
    await directInProcess({
      databaseUrl: database.url,
      organizationId: benchOrg,
      missOrganizationId: missOrg,
      keys: keys.map((k) => k.key),
      distinct: distinct.map((k) => k.key),
      ms: T.inProcessMs,
      row,
      results,
    });
    await creditsInProcess({ keys: creditKeys, ms: T.inProcessMs, row, results });
    await ledgerStatements({ keys: creditKeys, row, results });
    console.info(`  (sections 7 and 8 in-process: ${fmt((performance.now() - started) / 1000)} s)`);
  }
  // PGlite allows one process per data directory: hand it to the server.
  await client.close();
  setClient(undefined);

  // --- server ---------------------------------------------------------------------------------
  console.info("\nover HTTP:");
  const server = await startServer({ port: PORT, dataDir: DATA_DIR, databaseUrl: database.url });
  let pg: PgStats | undefined;
  if (database.url) {
    client = createPostgresClient(database.url, 1);
    pg = pgStats(client);
  }
  try {
    await overHttp(
      server,
      pg,
      keys.map((k) => k.key),
      verifyCaller.key,
      bad,
      unknown,
      row,
      results,
    );
    if (!httpOnly) {
      // --- (7b, 7c) the package over HTTP, (8c) credits through the verify route -------------
      console.info("\nthe package and credits, over HTTP:");
      const context = {
        base: `http://127.0.0.1:${server.port}`,
        examplePort: PORT + 2,
        databaseUrl: database.url,
        organizationId: benchOrg,
        keys: keys.map((k) => k.key),
        verifyCaller: verifyCaller.key,
        creditKeys,
        T: P,
        row,
        results,
      };
      const started = performance.now();
      await remoteVerifier(context);
      await exampleService(context);
      await creditsOverHttp(context);
      console.info(
        `  (sections 7 and 8 over HTTP: ${fmt((performance.now() - started) / 1000)} s)`,
      );
    }
  } finally {
    await server.stop();
    if (database.url) await client.close();
    await database.drop();
  }

  printTable(rows);
  // A quick or partial run is for a look, not for the record: it writes no results file.
  if (httpOnly || quick) process.exit(0);
  const file = writeResults(kind, quick, rows, results, host);
  console.info(`\nwritten: ${file}`);
  process.exit(0);
}

async function overHttp(
  server: Server,
  pg: PgStats | undefined,
  keys: string[],
  verifyCaller: string,
  bad: string[],
  unknown: string[],
  row: (r: Row) => void,
  results: Record<string, unknown>,
) {
  const base = `http://127.0.0.1:${server.port}`;
  const bare = { url: `${base}/api/v1/health` };
  const protectedMe = { url: `${base}/api/v1/me`, keys };
  // Warm both routes (JIT, route modules, every key in the cache) before anything is measured.
  await load({ ...bare, connections: 10, duration: T.warmSec });
  await load({ ...protectedMe, connections: 10, amount: keys.length * 2 });

  // --- (1) bare vs protected, interleaved -----------------------------------------------------
  const http: Record<string, unknown> = {};
  for (const connections of [1, 50]) {
    const b: Load[] = [];
    const p: Load[] = [];
    for (let r = 0; r < T.rounds; r++) {
      b.push(await load({ ...bare, connections, duration: T.roundSec }));
      p.push(await load({ ...protectedMe, connections, duration: T.roundSec }));
    }
    const [cb, cp] = [combine(b), combine(p)];
    const stat = (l: Load) => ({
      reqPerSec: l.reqPerSec,
      p50: percentile(l.latencies, 50),
      p99: percentile(l.latencies, 99),
      statuses: l.statuses,
      errors: l.errors,
    });
    const sb = stat(cb);
    const sp = stat(cp);
    http[`c${connections}`] = { bare: sb, protected: sp };
    const s = "1. HTTP";
    const ratio = sp.reqPerSec / sb.reqPerSec;
    row({
      section: s,
      metric: `${connections} conn: req/s bare vs protected (ratio)`,
      value: `${fmt(sb.reqPerSec)} vs ${fmt(sp.reqPerSec)} (${fmt(ratio, 3)})`,
      target: "≥ 0.97",
      met: ratio >= 0.97,
    });
    row({
      section: s,
      metric: `${connections} conn: p50 bare vs protected (ms; added)`,
      value: `${fmt(sb.p50, 3)} vs ${fmt(sp.p50, 3)} (+${fmt(sp.p50 - sb.p50, 3)})`,
      ...(connections === 1 ? { target: "added ≤ 0.5 ms", met: sp.p50 - sb.p50 <= 0.5 } : {}),
    });
    row({
      section: s,
      metric: `${connections} conn: p99 bare vs protected (ms; added)`,
      value: `${fmt(sb.p99, 3)} vs ${fmt(sp.p99, 3)} (+${fmt(sp.p99 - sb.p99, 3)})`,
      ...(connections === 1 ? { target: "added ≤ 2 ms", met: sp.p99 - sb.p99 <= 2 } : {}),
    });
    const refused = Object.entries(cp.statuses).filter(([code]) => code !== "200");
    if (refused.length || cp.errors) {
      throw new Error(
        `protected route answered ${JSON.stringify(cp.statuses)}, errors ${cp.errors}`,
      );
    }
  }
  results.http = http;

  await verifyRoute(base, keys, verifyCaller, row, results);

  // --- (3) statements per 10,000 requests -----------------------------------------------------
  const statements: Record<string, unknown> = {};
  const floods = [
    { name: "valid keys (1,000, cache warm)", keys, distinct: keys.length },
    { name: "bad checksums", keys: bad, distinct: bad.length },
    { name: "unknown keys (100 distinct)", keys: unknown.slice(0, 100), distinct: 100 },
  ];
  for (const flood of floods) {
    const before = await server.probe(true);
    const pgBefore = await pg?.snapshot();
    const started = performance.now();
    const l = await load({
      url: `${base}/api/v1/me`,
      keys: flood.keys,
      connections: 50,
      amount: 10_000,
    });
    const seconds = (performance.now() - started) / 1000;
    await sleep(1500); // PostgreSQL publishes a backend's counters once it has been idle ~1 s
    const after = await server.probe();
    const pgAfter = await pg?.snapshot();
    const c = after.counts;
    const total = c.lookup + c.usageInsert + c.lastUsedUpdate + c.heartbeat + c.other;
    // 10,000 valid requests always flush usage: a probe that saw nothing is not loaded.
    if (flood.name.startsWith("valid") && c.usageInsert === 0) {
      throw new Error(
        "the statement probe counted no usage write: is bench/server-probe.ts loaded?",
      );
    }
    const perTenK = 10_000 / l.requests;
    const pgDelta = pgBefore && pgAfter ? pgStatsDelta(pgBefore, pgAfter) : undefined;
    statements[flood.name] = {
      requests: l.requests,
      seconds,
      counts: c,
      total,
      before: before.counts,
      pg: pgDelta,
    };
    const ttls = Math.ceil(seconds / 10);
    const s = "3. statements";
    const detail = `lookups ${fmt(c.lookup * perTenK)}, all ${fmt(total * perTenK)} (writes ${c.usageInsert + c.lastUsedUpdate}, heartbeats ${c.heartbeat})${
      pgDelta ? `; pg: hash-index scans ${pgDelta.hashIndexScans}, xacts ${pgDelta.xacts}` : ""
    }`;
    if (flood.name === "bad checksums") {
      row({
        section: s,
        metric: `per 10,000: ${flood.name}`,
        value: detail,
        target: "0 lookups",
        met: c.lookup === 0 && (pgDelta?.hashIndexScans ?? 0) === 0,
      });
    } else if (flood.name.startsWith("unknown")) {
      row({
        section: s,
        metric: `per 10,000: ${flood.name}, ${fmt(seconds, 1)} s`,
        value: detail,
        target: `≤ ${flood.distinct * ttls} (1/key/10 s TTL)`,
        met: c.lookup <= flood.distinct * ttls,
      });
    } else {
      row({ section: s, metric: `per 10,000: ${flood.name}`, value: detail });
    }
  }
  results.statements = statements;

  // --- (3b) usage writes per second at 1 vs 50 connections, (4b) RSS over a long load ----------
  const writesPerSecond = async (connections: number, seconds: number) => {
    await server.probe(true);
    const l = await load({ ...protectedMe, connections, duration: seconds });
    const c = (await server.probe()).counts;
    return { writes: (c.usageInsert + c.lastUsedUpdate) / l.seconds, load: l, counts: c };
  };
  const one = await writesPerSecond(1, T.oneConnSec);
  // RSS is compared from a server already running at 50 connections (its heap and socket buffers
  // sized for them) to the same server after the long load: growth there would be a leak.
  await load({ ...protectedMe, connections: 50, duration: T.warmSec });
  const probeBefore = await server.probe();
  const fifty = await writesPerSecond(50, T.loadSec);
  const probeAfter = await server.probe();
  const rssBefore = probeBefore.rss / 1024 / 1024;
  const rssAfter = probeAfter.rss / 1024 / 1024;
  // The JS heap after a full collection: what a leak would grow (RSS also holds freed pages).
  const heapBefore = probeBefore.heapUsed / 1024 / 1024;
  const heapAfter = probeAfter.heapUsed / 1024 / 1024;
  results.usageWrites = {
    c1: one.writes,
    c50: fifty.writes,
    c1Counts: one.counts,
    c50Counts: fifty.counts,
  };
  results.serverRss = {
    beforeMb: rssBefore,
    afterMb: rssAfter,
    heapBeforeMb: heapBefore,
    heapAfterMb: heapAfter,
    loadSeconds: T.loadSec,
    requests: fifty.load.requests,
  };
  row({
    section: "3. statements",
    metric: "usage + last-used writes per second, 1 vs 50 conn",
    value: `${fmt(one.writes, 2)} vs ${fmt(fifty.writes, 2)} (${fmt(one.load.reqPerSec)} vs ${fmt(fifty.load.reqPerSec)} req/s)`,
    target: "equal ±1",
    met: Math.abs(one.writes - fifty.writes) <= 1,
  });
  row({
    section: "4. memory",
    metric: `server RSS before → after ${T.loadSec} s at 50 conn (MB)`,
    value: `${fmt(rssBefore)} → ${fmt(rssAfter)} (${rssAfter >= rssBefore ? "+" : ""}${fmt(rssAfter - rssBefore)}; JS heap after GC ${fmt(heapBefore)} → ${fmt(heapAfter)}; ${fmt(fifty.load.requests)} requests)`,
    target: "no growth (≤ +8 MB noise)",
    met: rssAfter - rssBefore <= 8,
  });
}

/**
 * (6) POST /api/v1/keys/verify, answered by server.ts ahead of Next, against GET /api/v1/health
 * through Next and a bare node:http server ({"ok":true}) in a process of its own: the fast path's
 * cost over node:http itself, and what it saves over Next's router. Interleaved rounds.
 */
async function verifyRoute(
  base: string,
  keys: string[],
  caller: string,
  row: (r: Row) => void,
  results: Record<string, unknown>,
) {
  const barePort = PORT + 1;
  const bareServer = await startBareServer(barePort);
  try {
    const verify = {
      url: `${base}/api/v1/keys/verify`,
      method: "POST" as const,
      headers: { "x-api-key": caller, "content-type": "application/json" },
      bodies: keys.map((key) => JSON.stringify({ key, clientIp: "127.0.0.1" })),
    };
    const health = { url: `${base}/api/v1/health` };
    const bare = { url: `http://127.0.0.1:${barePort}/` };
    const sample = await fetch(verify.url, {
      method: "POST",
      headers: verify.headers,
      body: verify.bodies[0],
    });
    const verdict = (await sample.json()) as { valid?: boolean; code?: string };
    if (!verdict.valid) throw new Error(`verify bench key refused: ${JSON.stringify(verdict)}`);
    await load({ ...verify, connections: 10, amount: keys.length * 2 });
    await load({ ...bare, connections: 10, duration: T.warmSec });

    const out: Record<string, unknown> = {};
    for (const connections of [1, 50]) {
      const runs = { verify: [] as Load[], health: [] as Load[], bare: [] as Load[] };
      for (let r = 0; r < T.rounds; r++) {
        runs.verify.push(await load({ ...verify, connections, duration: T.roundSec }));
        runs.health.push(await load({ ...health, connections, duration: T.roundSec }));
        runs.bare.push(await load({ ...bare, connections, duration: T.roundSec }));
      }
      const stat = (loads: Load[]) => {
        const l = combine(loads);
        return {
          reqPerSec: l.reqPerSec,
          p50: percentile(l.latencies, 50),
          p99: percentile(l.latencies, 99),
          statuses: l.statuses,
          errors: l.errors,
        };
      };
      const v = stat(runs.verify);
      const h = stat(runs.health);
      const b = stat(runs.bare);
      out[`c${connections}`] = { verify: v, health: h, bare: b };
      if (Object.keys(v.statuses).some((code) => code !== "200") || v.errors) {
        throw new Error(`verify route answered ${JSON.stringify(v.statuses)}, errors ${v.errors}`);
      }
      const s = "6. verify route";
      const overHealth = v.reqPerSec / h.reqPerSec;
      const overBare = v.reqPerSec / b.reqPerSec;
      const at50 = connections === 50;
      row({
        section: s,
        metric: `${connections} conn: req/s verify vs Next health (×)`,
        value: `${fmt(v.reqPerSec)} vs ${fmt(h.reqPerSec)} (${fmt(overHealth, 2)}×)`,
        ...(at50 ? { target: "≥ 5×", met: overHealth >= 5 } : {}),
      });
      row({
        section: s,
        metric: `${connections} conn: req/s verify vs bare node:http (×)`,
        value: `${fmt(v.reqPerSec)} vs ${fmt(b.reqPerSec)} (${fmt(overBare, 2)}×)`,
        ...(at50 ? { target: "≥ 0.5×", met: overBare >= 0.5 } : {}),
      });
      row({
        section: s,
        metric: `${connections} conn: p50 verify / Next health / bare (ms)`,
        value: `${fmt(v.p50, 3)} / ${fmt(h.p50, 3)} / ${fmt(b.p50, 3)}`,
      });
      row({
        section: s,
        metric: `${connections} conn: p99 verify / Next health / bare (ms)`,
        value: `${fmt(v.p99, 3)} / ${fmt(h.p99, 3)} / ${fmt(b.p99, 3)}`,
        ...(at50 ? { target: "verify ≤ 10 ms", met: v.p99 <= 10 } : {}),
      });
    }
    results.verifyRoute = out;
  } finally {
    await bareServer.stop();
  }
}

function pgStatsDelta(a: Awaited<ReturnType<PgStats["snapshot"]>>, b: typeof a) {
  return { hashIndexScans: b.hashIndexScans - a.hashIndexScans, xacts: b.xacts - a.xacts - 1 };
}

/** Set once the run has a database: a run that fails before the server's phase drops it too. */
let dropOnFailure: (() => Promise<void>) | undefined;

main().catch(async (error) => {
  console.error(error);
  await dropOnFailure?.().catch(() => {});
  process.exit(1);
});
