/**
 * What `npm run cluster` starts: PostgreSQL database, Redis, the instances and HAProxy. Every
 * start registers its stop, and `stopAll` runs them (last started first) on success, failure or
 * a signal.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";

export const WORK_DIR = path.resolve(".data/cluster");

const stops: { name: string; stop: () => Promise<void> }[] = [];
const children = new Set<ChildProcess>();

export function onStop(name: string, stop: () => Promise<void>): void {
  stops.push({ name, stop });
}

export async function stopAll(): Promise<void> {
  while (stops.length) {
    const { name, stop } = stops.pop() as (typeof stops)[number];
    await stop().catch((error) => console.error(`stopping ${name}: ${(error as Error).message}`));
  }
}

// A crash of this script must not leave servers behind.
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A child whose output goes to .data/cluster/<name>.log; `exited` resolves on exit. */
export function spawnLogged(name: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
  mkdirSync(WORK_DIR, { recursive: true });
  const log = createWriteStream(path.join(WORK_DIR, `${name}.log`), { flags: "a" });
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  children.add(child);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => {
      children.delete(child);
      resolve();
    });
  });
  return { child, exited, logFile: path.join(WORK_DIR, `${name}.log`) };
}

export async function terminate(
  proc: { child: ChildProcess; exited: Promise<void> },
  graceMs = 10_000,
): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/** Installs a Debian package when its command is missing (CI runs as root, no stdin). */
export function ensureCommand(command: string, pkg: string): void {
  if (spawnSync("sh", ["-c", `command -v ${command}`]).status === 0) return;
  console.info(`installing ${pkg} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const root = process.getuid?.() === 0;
  const run = (args: string[]) =>
    spawnSync(root ? "apt-get" : "sudo", root ? args : ["-n", "apt-get", ...args], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
  run(["update", "-qq"]);
  if (run(["install", "-y", "-qq", pkg]).status !== 0) {
    throw new Error(`could not install ${pkg}: install it (apt-get install ${pkg}) and retry`);
  }
}

/** A fresh database next to DATABASE_URL's server (or 127.0.0.1:5432), dropped at the end. */
export async function freshDatabase(): Promise<{ url: string; host: string; port: number }> {
  const admin = new URL(process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres");
  const name = `lk_cluster_run_${Date.now()}`;
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`);
  onStop("database", async () => {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
    await sql.end({ timeout: 5 });
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), host: admin.hostname, port: Number(admin.port || 5432) };
}

export type Redis = { url: string; stop: () => Promise<void>; start: () => Promise<void> };

/** A redis-server of our own (never the machine's 6379): the run stops and restarts it. */
export async function startRedis(port: number): Promise<Redis> {
  let proc: ReturnType<typeof spawnLogged> | undefined;
  const ping = async () =>
    spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "ping"], {
      encoding: "utf8",
    }).stdout.trim() === "PONG"
      ? true
      : undefined;
  const start = async () => {
    proc = spawnLogged(
      "redis",
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      process.env,
    );
    await waitFor("redis-server", ping, 10_000, 100);
  };
  const stop = async () => {
    if (proc) await terminate(proc);
    proc = undefined;
  };
  await start();
  onStop("redis", stop);
  return { url: `redis://127.0.0.1:${port}`, start, stop };
}

export type Instance = {
  name: string;
  port: number;
  url: string;
  start(): Promise<number>;
  kill(signal: NodeJS.Signals): Promise<void>;
  running(): boolean;
  logFile: string;
};

/** One production instance (`npm start`): its start resolves, in ms, once /api/v1/health answers. */
export function instance(name: string, port: number, env: Record<string, string>): Instance {
  let proc: ReturnType<typeof spawnLogged> | undefined;
  const url = `http://127.0.0.1:${port}`;
  const self: Instance = {
    name,
    port,
    url,
    logFile: path.join(WORK_DIR, `instance-${name}.log`),
    async start() {
      const started = performance.now();
      proc = spawnLogged(`instance-${name}`, process.execPath, ["--import", "tsx", "server.ts"], {
        ...process.env,
        ...env,
        NODE_ENV: "production",
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
      });
      const current = proc;
      let gone = false;
      void current.exited.then(() => {
        gone = true;
      });
      await waitFor(
        `instance ${name} on ${port}`,
        async () => {
          if (gone)
            throw new Error(`instance ${name} exited during start-up (see ${self.logFile})`);
          return (await fetch(`${url}/api/v1/health`)).ok ? true : undefined;
        },
        120_000,
        100,
      ).catch((error) => {
        if (gone) throw new Error(`instance ${name} exited during start-up (see ${self.logFile})`);
        throw error;
      });
      return performance.now() - started;
    },
    async kill(signal) {
      if (!proc) return;
      const current = proc;
      proc = undefined;
      if (signal === "SIGTERM") return terminate(current);
      current.child.kill(signal);
      await current.exited;
    },
    running: () => proc !== undefined,
  };
  onStop(`instance ${name}`, () => self.kill("SIGTERM"));
  return self;
}

export type Balancer = {
  url: string;
  /** HAProxy's view of each server: "UP", "DOWN", "UP 1/2"… */
  states(): Promise<Record<string, string>>;
  checkIntervalMs: number;
  fall: number;
};

/** HAProxy in front of the instances: round robin, HTTP health checks, X-Forwarded-For. */
export async function startBalancer(options: {
  port: number;
  statsPort: number;
  servers: readonly Instance[];
  checkIntervalMs: number;
  fall: number;
}): Promise<Balancer> {
  const config = `global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  # A connection refused by a dead server is tried once more on another one; a request already
  # sent is never replayed (it may not be idempotent).
  retries 1
  option redispatch

frontend latchkey
  bind 127.0.0.1:${options.port}
  default_backend instances

backend instances
  balance roundrobin
  option forwardfor
  option httpchk
  http-check send meth GET uri /api/v1/health ver HTTP/1.1 hdr host localhost
  http-check expect status 200
  default-server inter ${options.checkIntervalMs}ms fall ${options.fall} rise 2
${options.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check`).join("\n")}

listen stats
  bind 127.0.0.1:${options.statsPort}
  stats enable
  stats uri /stats
`;
  mkdirSync(WORK_DIR, { recursive: true });
  const file = path.join(WORK_DIR, "haproxy.cfg");
  writeFileSync(file, config);
  const check = spawnSync("haproxy", ["-c", "-q", "-f", file], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`haproxy.cfg is invalid:\n${check.stderr}`);
  const proc = spawnLogged("haproxy", "haproxy", ["-db", "-f", file], process.env);
  onStop("haproxy", () => terminate(proc, 3000));
  const states = async () => {
    const csv = await (await fetch(`http://127.0.0.1:${options.statsPort}/stats;csv`)).text();
    const [header, ...lines] = csv.trim().split("\n");
    const columns = (header ?? "").replace(/^# /, "").split(",");
    const [px, sv, st] = ["pxname", "svname", "status"].map((c) => columns.indexOf(c));
    const result: Record<string, string> = {};
    for (const line of lines) {
      const cells = line.split(",");
      if (cells[px as number] === "instances" && cells[sv as number] !== "BACKEND") {
        result[cells[sv as number] as string] = cells[st as number] as string;
      }
    }
    return result;
  };
  const names = options.servers.map((s) => s.name);
  await waitFor(
    "HAProxy to see every instance UP",
    async () => {
      const s = await states();
      return names.every((n) => s[n] === "UP") ? true : undefined;
    },
    30_000,
    100,
  );
  return {
    url: `http://127.0.0.1:${options.port}`,
    states,
    checkIntervalMs: options.checkIntervalMs,
    fall: options.fall,
  };
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
