import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

export type ExampleService = {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends `signal` and resolves with the exit code once the process is gone. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Fails with the command to run when `packages/verify/dist` is missing or older than its sources:
 * the example imports the built package, as any user's service would.
 */
export function assertPackageBuilt(): void {
  const dist = path.join(root, "packages/verify/dist/index.js");
  const source = path.join(root, "packages/verify/src/index.ts");
  if (!existsSync(dist) || statSync(dist).mtimeMs < statSync(source).mtimeMs) {
    throw new Error(
      "@latchkey/verify is not built (or older than its sources): run `npm run build -w @latchkey/verify` (npm run test:e2e does)",
    );
  }
}

/**
 * Starts `examples/express-api/server.js` on a free port and waits for its /health. `source: true`
 * runs it on the package's TypeScript sources (tsx maps `@latchkey/verify` through tsconfig's
 * paths), so a test needs no build that another test could be replacing at the same moment;
 * otherwise it imports the built package from node_modules.
 */
export async function startExample(
  env: Record<string, string>,
  options: { source?: boolean } = {},
): Promise<ExampleService> {
  const port = await freePort();
  const args = options.source ? ["--import", "tsx"] : [];
  // node itself (not npm) so that signals reach the service and nothing in between.
  const child = spawn(process.execPath, [...args, "examples/express-api/server.js"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = (signal: NodeJS.Signals = "SIGTERM") =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      child.once("exit", (code) => resolve(code));
      child.kill(signal);
    });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`example service exited:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child, output: () => output, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`example service did not start:\n${output}`);
}
