/** The production server under test: built when stale, started with the statement probe. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { DbClient } from "@/db";
import type { ProbeReport } from "./server-probe";

const SOURCES = ["app", "lib", "db", "components", "proxy.ts", "next.config.ts", "package.json"];

function newestMtime(entry: string): number {
  const stat = statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))),
  );
}

/** `next build` unless .next is newer than every source the build reads. */
export async function buildIfStale(): Promise<void> {
  const built = statSync(".next/BUILD_ID", { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built > Math.max(...SOURCES.map(newestMtime))) {
    console.info("production build is up to date (.next)");
    return;
  }
  console.info("building the production server (next build)…");
  const result = spawnSync("npx", ["next", "build"], { stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error("next build failed");
}

const PACKAGE = "packages/verify";

/** `npm run build -w @latchkey/verify` unless its dist is newer than its sources (the example uses dist). */
export function buildPackageIfStale(): void {
  const built = statSync(`${PACKAGE}/dist/index.js`, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = ["src", "package.json", "tsconfig.build.json"].map((f) => `${PACKAGE}/${f}`);
  if (built > Math.max(...sources.map(newestMtime))) return;
  console.info("building @latchkey/verify (the example service runs its dist)…");
  const result = spawnSync("npm", ["run", "build", "-w", "@latchkey/verify"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) throw new Error("building @latchkey/verify failed");
}

export type Server = {
  port: number;
  /** Statement counts since the last reset, and RSS after a GC; `reset` zeroes the counts. */
  probe(reset?: boolean): Promise<ProbeReport>;
  stop(): Promise<void>;
};

export async function startServer(options: {
  port: number;
  dataDir: string;
  databaseUrl?: string;
}): Promise<Server> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []),
      "--expose-gc",
      "--import",
      "tsx",
      "--import",
      "./bench/server-probe.ts",
      "server.ts",
    ],
    {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(options.port),
        HOSTNAME: "127.0.0.1",
        DATA_DIR: options.dataDir,
        DATABASE_URL: options.databaseUrl ?? "",
        AUTH_SECRET: "bench-secret-bench-secret-bench-secret-0123456789",
      },
    },
  );
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${options.port}/api/v1/health`;
  for (let i = 0; ; i++) {
    if (exited) throw new Error("the server exited during start-up");
    try {
      if ((await fetch(url)).ok) break;
    } catch {}
    if (i > 600) throw new Error("the server did not start within 60 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  let nextId = 0;
  const pending = new Map<number, (report: ProbeReport) => void>();
  child.on("message", (message: ProbeReport & { id: number }) => {
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  return {
    port: options.port,
    probe(reset = false) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.send({ type: reset ? "reset" : "read", id });
      });
    },
    async stop() {
      if (exited) return;
      const done = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await done;
    },
  };
}

/** The bare node:http baseline (bench/bare-server.ts) in a process of its own, like the app's. */
export async function startBareServer(port: number): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/bare-server.ts"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, PORT: String(port) },
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", () => reject(new Error("the bare server exited during start-up")));
  });
  return {
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await done;
    },
  };
}

export type PgStats = ReturnType<typeof pgStats>;

/**
 * Statement counts on PostgreSQL without pg_stat_statements (it needs shared_preload_libraries
 * and a restart): committed transactions of the database (each autocommit statement is one) and
 * scans of the unique hash index (each key lookup is one).
 */
export function pgStats(client: DbClient) {
  if (client.kind !== "postgres") throw new Error("PostgreSQL only");
  return {
    async snapshot() {
      const [row] = await client.sql<{ xacts: string; scans: string }[]>`
        select (select xact_commit + xact_rollback from pg_stat_database where datname = current_database()) as xacts,
               (select idx_scan from pg_stat_user_indexes where indexrelname = 'api_keys_hash_unique') as scans`;
      return { xacts: Number(row?.xacts ?? 0), hashIndexScans: Number(row?.scans ?? 0) };
    },
  };
}
