import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { freePort, type NodeProcess, spawnNode } from "./processes";

const root = path.resolve(import.meta.dirname, "..");

export type ExampleService = NodeProcess & { url: string };

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
  const { child, output, stop } = spawnNode([...args, "examples/express-api/server.js"], {
    cwd: root,
    // Only what the example reads: nothing of the app's own environment leaks in.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`example service exited:\n${output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child, output, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`example service did not start:\n${output()}`);
}
