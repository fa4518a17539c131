/**
 * Sections 7 and 8: `@latchkey/verify` as another service runs it (direct in-process, remote over
 * the verify route, and the example Express service over HTTP), and what credits cost (a key with
 * a usage limit against one without; statements and Redis round trips per spend).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createDirectVerifier, createRemoteVerifier, type Outcome } from "@latchkey/verify";
import type { KeyCache } from "@latchkey/verify/cache";
import {
  type CreditLedger,
  createLeaseLedger,
  createRedisLedger,
} from "@latchkey/verify/credits/ledger";
import { connectRedis } from "@latchkey/verify/limiter";
import type { VerifyRuntime } from "@latchkey/verify/runtime";
import { appSql } from "@/db/sql";
import { createAppVerifyRuntime } from "@/lib/verify/runtime";
import { combine, type Load, type LoadOptions, load, percentile } from "./http";
import { fmt, type Row } from "./report";

type Emit = (r: Row) => void;
type Timing = { rounds: number; roundSec: number; warmSec: number };

const CLIENT_IP = "127.0.0.1";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The keys with and without credits the credit rows use (seeded in run.ts, all of the bench org). */
export type CreditKeys = {
  /** No usage limit. */
  unlimited: string;
  /** A usage limit no run reaches (1e9): spends, never refused. */
  huge: string;
  /** 1e6 credits each: one for the Redis ledger, one for the lease ledger. */
  redis: { key: string; limit: number };
  lease: { key: string; limit: number };
};

/** `inFlight` callers of op until `ms` has passed: ops/s and every op's time (ms). */
async function timedOps(
  inFlight: number,
  ms: number,
  op: (i: number) => Promise<unknown>,
  n = Number.POSITIVE_INFINITY,
): Promise<{ rate: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + ms;
  const worker = async () => {
    while (next < n && performance.now() < deadline) {
      const t = performance.now();
      await op(next++);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { rate: latencies.length / ((performance.now() - started) / 1000), latencies };
}

/** Runs each measure once per round, in turn, and sums them: drift on a shared host hits all. */
async function interleaved<K extends string>(
  rounds: number,
  measures: Record<K, () => Promise<{ rate: number; latencies: number[] }>>,
): Promise<Record<K, { rate: number; p50: number }>> {
  const names = Object.keys(measures) as K[];
  const got = Object.fromEntries(names.map((k) => [k, [] as { rate: number; n: number }[]]));
  const all = Object.fromEntries(names.map((k) => [k, [] as number[]]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const m = await measures[name]();
      got[name]?.push({ rate: m.rate, n: m.latencies.length });
      // Hundreds of thousands of times in-process: too many to spread into one push.
      const into = all[name] ?? [];
      for (const ms of m.latencies) into.push(ms);
    }
  }
  return Object.fromEntries(
    names.map((k) => {
      const runs = got[k] ?? [];
      const seconds = runs.reduce((s, r) => s + r.n / r.rate, 0);
      const n = runs.reduce((s, r) => s + r.n, 0);
      return [k, { rate: n / seconds, p50: percentile(all[k] ?? [], 50) }];
    }),
  ) as Record<K, { rate: number; p50: number }>;
}

async function healthy(cache: KeyCache, what: string): Promise<void> {
  for (let i = 0; i < 250 && !cache.isHealthy; i++) await sleep(20);
  if (!cache.isHealthy) throw new Error(`${what}: the change listener never reported healthy`);
}

/** The app's per-request path (what withApiKey and the verify route run): decide, then record. */
function appVerify(runtime: VerifyRuntime) {
  return async (key: string | undefined) => {
    const decision = await runtime.decide({
      key,
      clientIp: CLIENT_IP,
      method: "POST",
      endpoint: "verify",
      cost: 1,
    });
    decision.record(decision.result.ok ? 200 : decision.result.status);
    return decision.result;
  };
}

function mustBeValid(what: string, outcome: Outcome | { ok: boolean }): void {
  const ok = "ok" in outcome ? outcome.ok : outcome.valid;
  if (!ok) throw new Error(`${what}: a bench key was refused: ${JSON.stringify(outcome)}`);
}

/**
 * (7a) `createDirectVerifier(...).verify()` beside the app's own runtime (decide + record), in
 * this process, both started and warm: cache hits over the 1,000 bench keys, then misses over
 * distinct keys neither has seen. Same database, same pool size (10), interleaved rounds.
 */
export async function directInProcess(o: {
  databaseUrl: string | undefined;
  /** The organization of `keys`, and of `distinct` (a direct verifier accepts one organization's). */
  organizationId: string;
  missOrganizationId: string;
  keys: readonly string[];
  distinct: readonly string[];
  ms: number;
  row: Emit;
  results: Record<string, unknown>;
}): Promise<void> {
  const s = "7. package";
  if (!o.databaseUrl) {
    o.row({ section: s, metric: "direct mode in-process", value: "— (needs PostgreSQL)" });
    return;
  }
  const app = createAppVerifyRuntime({ defaultRateLimitPerMinute: 600, flushMs: 5000 });
  const direct = createDirectVerifier({
    databaseUrl: o.databaseUrl,
    organizationId: o.organizationId,
    poolSize: 10,
    log: (m) => console.error(m),
  });
  const directForMisses = createDirectVerifier({
    databaseUrl: o.databaseUrl,
    organizationId: o.missOrganizationId,
    poolSize: 10,
    log: (m) => console.error(m),
  });
  try {
    await app.start();
    await direct.ready();
    await directForMisses.ready();
    await healthy(app.verifier.cache, "app runtime");
    await healthy(direct.runtime.verifier.cache, "direct verifier");
    const appOp = appVerify(app);
    const directOp = (key: string | undefined) =>
      direct.verify({ key: key as string, clientIp: CLIENT_IP });
    for (const key of o.keys) {
      mustBeValid("app runtime", await appOp(key));
      mustBeValid("direct verifier", await directOp(key));
    }
    const at = (list: readonly string[]) => (i: number) => list[i % list.length];
    const hitKey = at(o.keys);
    const half = o.ms / 2;
    const hit = await interleaved(2, {
      app: () => timedOps(64, half, (i) => appOp(hitKey(i))),
      direct: () => timedOps(64, half, (i) => directOp(hitKey(i))),
    });
    // Four disjoint slices of keys this process has not verified with either: every one a miss.
    const quarter = Math.floor(o.distinct.length / 4);
    let slice = 0;
    const misses = (op: (key: string | undefined) => Promise<unknown>) => () => {
      const list = o.distinct.slice(slice * quarter, (slice + 1) * quarter);
      slice++;
      return timedOps(64, half, (i) => op(list[i]), list.length);
    };
    const directMissOp = (key: string | undefined) =>
      directForMisses.verify({ key: key as string, clientIp: CLIENT_IP });
    const miss = await interleaved(2, { app: misses(appOp), direct: misses(directMissOp) });
    o.results.direct = { hit, miss, inFlight: 64, poolSize: 10 };
    o.row({
      section: s,
      metric: "direct verify() vs app runtime: cache hit, 64 in flight (/s; ratio)",
      value: `${fmt(hit.direct.rate)} vs ${fmt(hit.app.rate)} (${fmt(hit.direct.rate / hit.app.rate, 2)})`,
    });
    o.row({
      section: s,
      metric: "direct verify() vs app runtime: cache miss, 64 in flight (/s; ratio)",
      value: `${fmt(miss.direct.rate)} vs ${fmt(miss.app.rate)} (${fmt(miss.direct.rate / miss.app.rate, 2)})`,
    });
  } finally {
    await direct.close();
    await directForMisses.close();
    await app.stop();
  }
}

/**
 * (8a) Credits on vs off in this process: the app runtime (lease ledger) deciding for a key with
 * a usage limit of 1e9 and for one without, 50 in flight, warm, interleaved. Far above what one
 * process serves over HTTP, so it shows the ledger's own ceiling: one hot key's spends wait on a
 * lease statement every DEFAULT_MAX_LEASE credits.
 */
export async function creditsInProcess(o: {
  keys: CreditKeys;
  ms: number;
  row: Emit;
  results: Record<string, unknown>;
}): Promise<void> {
  const ledger = createLeaseLedger({ sql: appSql });
  const runtime = createAppVerifyRuntime({
    defaultRateLimitPerMinute: 600,
    flushMs: 5000,
    credits: ledger,
  });
  try {
    await runtime.start();
    await healthy(runtime.verifier.cache, "app runtime");
    const op = appVerify(runtime);
    const limited = await op(o.keys.huge);
    mustBeValid("credits", limited);
    if (!("credits" in limited) || !limited.credits) {
      throw new Error("the key with a usage limit was verified without spending credits");
    }
    mustBeValid("credits", await op(o.keys.unlimited));
    const half = o.ms / 2;
    let leaseSeconds = 0;
    const statementsBefore = ledger.stats.statements;
    const r = await interleaved(2, {
      off: () => timedOps(50, half, () => op(o.keys.unlimited)),
      on: async () => {
        const m = await timedOps(50, half, () => op(o.keys.huge));
        leaseSeconds += m.latencies.length / m.rate;
        return m;
      },
    });
    const leasesPerSecond = (ledger.stats.statements - statementsBefore) / leaseSeconds;
    o.results.creditsInProcess = { ...r, inFlight: 50, ledger: "lease", leasesPerSecond };
    o.row({
      section: "8. credits",
      metric: "in-process app runtime, 50 in flight: credits on vs off, lease ledger (/s; ratio)",
      value: `${fmt(r.on.rate)} vs ${fmt(r.off.rate)} (${fmt(r.on.rate / r.off.rate, 3)}); ${fmt(leasesPerSecond)} lease statements/s`,
    });
  } finally {
    await runtime.stop();
  }
}

/**
 * (8b) What 10,000 credit-spending verifications cost the ledger, counted by its own `stats`:
 * through the app runtime at 50 in flight, warm, then stopped (its flush and give-backs count).
 */
async function ledgerCost(ledger: CreditLedger, key: string) {
  const runtime = createAppVerifyRuntime({
    defaultRateLimitPerMinute: 600,
    flushMs: 5000,
    credits: ledger,
  });
  await runtime.start();
  await healthy(runtime.verifier.cache, "app runtime");
  const op = appVerify(runtime);
  let refused = 0;
  const before = { statements: ledger.stats.statements, redisCalls: ledger.stats.redisCalls };
  const started = performance.now();
  await timedOps(
    50,
    Number.POSITIVE_INFINITY,
    async () => {
      const result = await op(key);
      if (!result.ok) refused++;
    },
    10_000,
  );
  const seconds = (performance.now() - started) / 1000;
  await runtime.stop();
  if (refused) throw new Error(`credits: ${refused} of 10,000 verifications were refused`);
  return {
    statements: ledger.stats.statements - before.statements,
    redisCalls: ledger.stats.redisCalls - before.redisCalls,
    seconds,
  };
}

export async function ledgerStatements(o: {
  keys: CreditKeys;
  row: Emit;
  results: Record<string, unknown>;
}): Promise<void> {
  const s = "8. credits";
  const out: Record<string, unknown> = {};
  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const redis = connectRedis(redisUrl);
  redis.on("error", () => {});
  // Counters of this run only, removed at the end: the Redis may be shared.
  const keyPrefix = `lk_bench_credits_${Date.now()}`;
  try {
    const reachable = await Promise.race([
      redis.ping().then(
        () => true,
        () => false,
      ),
      sleep(3000).then(() => false),
    ]);
    if (reachable) {
      const c = await ledgerCost(
        createRedisLedger({ sql: appSql, redis, keyPrefix }),
        o.keys.redis.key,
      );
      out.redis = { ...c, limit: o.keys.redis.limit };
      o.row({
        section: s,
        metric: `per 10,000 spends, Redis ledger (${fmt(o.keys.redis.limit)} credits, 50 in flight)`,
        value: `Redis round trips ${fmt(c.redisCalls)} (${fmt(c.redisCalls / 10_000, 2)} each), SQL ${fmt(c.statements)}`,
        target: "≈ 1 round trip each, ≤ 10 SQL",
        met: c.redisCalls <= 10_200 && c.statements <= 10,
      });
    } else {
      o.row({
        section: s,
        metric: "per 10,000 spends, Redis ledger",
        value: `— (no Redis at ${redisUrl})`,
      });
    }
    const c = await ledgerCost(createLeaseLedger({ sql: appSql }), o.keys.lease.key);
    out.lease = { ...c, limit: o.keys.lease.limit };
    o.row({
      section: s,
      metric: `per 10,000 spends, lease ledger (${fmt(o.keys.lease.limit)} credits, 50 in flight)`,
      value: `SQL ${fmt(c.statements)} (leases of up to 1,000 and their give-backs), Redis 0`,
      target: "≤ 20 (1 per lease of 1,000)",
      met: c.statements <= 20,
    });
  } finally {
    const left = await redis.keys(`${keyPrefix}:*`).catch(() => [] as string[]);
    if (left.length) await redis.del(...left).catch(() => {});
    redis.disconnect();
  }
  o.results.creditStatements = out;
}

/** What the HTTP rows need of the run. */
export type HttpContext = {
  base: string;
  /** Ports for the example service (direct, then remote). */
  examplePort: number;
  databaseUrl: string | undefined;
  /** The organization of `keys`: the one the example accepts in direct mode. */
  organizationId: string;
  keys: readonly string[];
  verifyCaller: string;
  creditKeys: CreditKeys;
  T: Timing;
  row: Emit;
  results: Record<string, unknown>;
};

const loadRate = async (options: LoadOptions) => {
  const l = await load(options);
  return { rate: l.reqPerSec, latencies: l.latencies, load: l };
};

function mustAll200(what: string, loads: readonly Load[]): void {
  const c = combine(loads);
  if (Object.keys(c.statuses).some((code) => code !== "200") || c.errors) {
    throw new Error(`${what} answered ${JSON.stringify(c.statuses)}, errors ${c.errors}`);
  }
}

/**
 * (7b) `createRemoteVerifier` against the production server's verify fast path, beside autocannon
 * posting the same bodies to the same route: what the package's client adds, at 1 and 50 in flight.
 */
export async function remoteVerifier(c: HttpContext): Promise<void> {
  const verifier = createRemoteVerifier({ baseUrl: c.base, apiKey: c.verifyCaller });
  const route = {
    url: `${c.base}/api/v1/keys/verify`,
    method: "POST" as const,
    headers: { authorization: `Bearer ${c.verifyCaller}`, "content-type": "application/json" },
    bodies: c.keys.map((key) => JSON.stringify({ key, clientIp: CLIENT_IP })),
  };
  try {
    let refused = 0;
    const op = async (i: number) => {
      const outcome = await verifier.verify({
        key: c.keys[i % c.keys.length] as string,
        clientIp: CLIENT_IP,
      });
      if (!outcome.valid) refused++;
    };
    await timedOps(10, c.T.warmSec * 1000, op);
    const out: Record<string, unknown> = {};
    for (const inFlight of [1, 50]) {
      const loads: Load[] = [];
      const r = await interleaved(c.T.rounds, {
        remote: () => timedOps(inFlight, c.T.roundSec * 1000, op),
        autocannon: async () => {
          const l = await loadRate({ ...route, connections: inFlight, duration: c.T.roundSec });
          loads.push(l.load);
          return l;
        },
      });
      mustAll200("the verify route", loads);
      if (refused) throw new Error(`remote verifier: ${refused} bench keys refused`);
      out[`c${inFlight}`] = r;
      c.row({
        section: "7. package",
        metric: `remote verify() vs autocannon, verify route, ${inFlight} in flight (/s; ratio)`,
        value: `${fmt(r.remote.rate)} vs ${fmt(r.autocannon.rate)} (${fmt(r.remote.rate / r.autocannon.rate, 2)}); p50 ${fmt(r.remote.p50, 3)} vs ${fmt(r.autocannon.p50, 3)} ms`,
      });
    }
    c.results.remote = out;
  } finally {
    await verifier.close();
  }
}

/** `node examples/express-api/server.js` (the built package), ready once /health answers. */
async function startExample(port: number, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ["examples/express-api/server.js"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      LATCHKEY_DATABASE_URL: "",
      LATCHKEY_REDIS_URL: "",
      LATCHKEY_URL: "",
      LATCHKEY_API_KEY: "",
      ...env,
    },
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  for (let i = 0; ; i++) {
    if (exited) throw new Error("the example service exited during start-up");
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
    } catch {}
    if (i > 300) throw new Error("the example service did not start within 30 s");
    await sleep(100);
  }
  return {
    async stop() {
      if (exited) return;
      const done = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await done;
    },
  };
}

/**
 * (7c) The example Express service over HTTP, in direct mode (against the bench's database) and
 * in remote mode (against the bench's server): protected GET /v1/things against unprotected
 * GET /health, 50 connections, autocannon, interleaved.
 */
export async function exampleService(c: HttpContext): Promise<void> {
  const modes: { name: string; env?: Record<string, string> }[] = [
    {
      name: "direct",
      env: c.databaseUrl
        ? { LATCHKEY_DATABASE_URL: c.databaseUrl, LATCHKEY_ORGANIZATION_ID: c.organizationId }
        : undefined,
    },
    { name: "remote", env: { LATCHKEY_URL: c.base, LATCHKEY_API_KEY: c.verifyCaller } },
  ];
  const out: Record<string, unknown> = {};
  for (const [i, mode] of modes.entries()) {
    const metric = `example service, ${mode.name}: /v1/things vs /health, 50 conn (req/s; ratio)`;
    if (!mode.env) {
      c.row({ section: "7. package", metric, value: "— (needs PostgreSQL)" });
      continue;
    }
    const port = c.examplePort + i;
    const service = await startExample(port, mode.env);
    try {
      const base = `http://127.0.0.1:${port}`;
      const things = { url: `${base}/v1/things`, keys: c.keys };
      const health = { url: `${base}/health` };
      const first = await fetch(things.url, { headers: { "x-api-key": c.keys[0] as string } });
      if (first.status !== 200) throw new Error(`example service (${mode.name}): ${first.status}`);
      await load({ ...things, connections: 10, amount: c.keys.length * 2 });
      await load({ ...health, connections: 10, duration: c.T.warmSec });
      const loads: Load[] = [];
      const r = await interleaved(c.T.rounds, {
        health: () => loadRate({ ...health, connections: 50, duration: c.T.roundSec }),
        things: async () => {
          const l = await loadRate({ ...things, connections: 50, duration: c.T.roundSec });
          loads.push(l.load);
          return l;
        },
      });
      mustAll200(`the example service (${mode.name})`, loads);
      out[mode.name] = r;
      c.row({
        section: "7. package",
        metric,
        value: `${fmt(r.things.rate)} vs ${fmt(r.health.rate)} (${fmt(r.things.rate / r.health.rate, 2)}); p50 ${fmt(r.things.p50, 3)} vs ${fmt(r.health.p50, 3)} ms`,
      });
    } finally {
      await service.stop();
    }
  }
  c.results.example = out;
}

/**
 * (8c) Credits on vs off through the server's verify route at 50 connections, warm: the same
 * request for a key with a usage limit of 1e9 and for one without, interleaved.
 */
export async function creditsOverHttp(c: HttpContext): Promise<void> {
  const route = (key: string) => ({
    url: `${c.base}/api/v1/keys/verify`,
    method: "POST" as const,
    headers: { authorization: `Bearer ${c.verifyCaller}`, "content-type": "application/json" },
    bodies: [JSON.stringify({ key, clientIp: CLIENT_IP })],
  });
  const on = route(c.creditKeys.huge);
  const off = route(c.creditKeys.unlimited);
  for (const [what, r, limited] of [
    ["with", on, true],
    ["without", off, false],
  ] as const) {
    const res = await fetch(r.url, { method: "POST", headers: r.headers, body: r.bodies[0] });
    const verdict = (await res.json()) as { valid?: boolean; credits?: unknown };
    if (!verdict.valid || Boolean(verdict.credits) !== limited) {
      throw new Error(`credits: the key ${what} a usage limit answered ${JSON.stringify(verdict)}`);
    }
  }
  await load({ ...on, connections: 50, duration: c.T.warmSec });
  await load({ ...off, connections: 50, duration: c.T.warmSec });
  const loads: Load[] = [];
  const keep = async (options: LoadOptions) => {
    const l = await loadRate(options);
    loads.push(l.load);
    return l;
  };
  const r = await interleaved(c.T.rounds + 1, {
    off: () => keep({ ...off, connections: 50, duration: c.T.roundSec }),
    on: () => keep({ ...on, connections: 50, duration: c.T.roundSec }),
  });
  mustAll200("the verify route (credits)", loads);
  const mode = process.env.CREDITS_MODE || (process.env.REDIS_URL ? "redis" : "lease");
  c.results.creditsOverHttp = { ...r, connections: 50, ledger: mode };
  c.row({
    section: "8. credits",
    metric: `verify route, 50 conn: credits on vs off, ${mode} ledger (req/s; ratio)`,
    value: `${fmt(r.on.rate)} vs ${fmt(r.off.rate)} (${fmt(r.on.rate / r.off.rate, 3)}); p50 ${fmt(r.on.p50, 3)} vs ${fmt(r.off.p50, 3)} ms`,
    target: "≥ 0.97",
    met: r.on.rate / r.off.rate >= 0.97,
  });
}
