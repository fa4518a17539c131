import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import postgres from "postgres";
import { freePort, spawnNode } from "../processes";

export type SpawnedServer = {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

/**
 * Starts another production server from the same build, on a free port and (without
 * DATABASE_URL) its own PGlite directory: for tests that need default limits or a process of
 * their own to stop.
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { dataDir?: string; port?: number } = {},
): Promise<SpawnedServer> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? `.data/e2e-spawned-${port}`;
  if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  const { child, output, stop } = spawnNode(["--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      USAGE_FLUSH_MS: "1000",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output()}`);
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) {
        return { url, port, dataDir, child, output, stop };
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  throw new Error(`server did not start:\n${output()}`);
}

/** Requests served for a key, as flushed to api_key_usage (DATABASE_URL's database). */
export async function usageOf(keyId: string): Promise<number> {
  const sql = postgres(process.env.DATABASE_URL as string, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: string | null }[]>`
      select sum(requests)::text n from api_key_usage where key_id = ${keyId}`;
    return Number(row?.n ?? 0);
  } finally {
    await sql.end();
  }
}

/** GET /api/v1/me on a spawned server with that key. */
export const me = (server: SpawnedServer, key: string) =>
  fetch(`${server.url}/api/v1/me`, {
    headers: { "X-API-Key": key },
    signal: AbortSignal.timeout(15_000),
  });
