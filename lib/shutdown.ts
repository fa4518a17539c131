/**
 * Work to finish before the process exits (e.g. flushing buffered usage). Kept on globalThis
 * because server.ts and Next's server bundles load separate copies of this module.
 */
import { processGlobal } from "@/db/process-global";

type Hook = () => Promise<void>;
const hooks = processGlobal("shutdownHooks", () => new Map<string, Hook>());

export function onShutdown(name: string, hook: Hook): void {
  hooks.set(name, hook);
}

export async function runShutdownHooks(): Promise<void> {
  await Promise.allSettled([...hooks.values()].map((hook) => hook()));
}

/**
 * On SIGTERM or SIGINT: run `before` (e.g. stop accepting requests), then every shutdown hook,
 * then `after` (e.g. close the database), then exit. A second signal, or 10 s, forces the exit.
 */
export function exitOnSignals(
  before: () => Promise<void> | void = () => {},
  after: () => Promise<void> | void = () => {},
): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.info(`[latchkey] ${signal}: shutting down`);
    setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await before();
      await runShutdownHooks();
      await after();
    } finally {
      process.exit(0);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
