/**
 * Work to finish before the process exits (e.g. flushing buffered usage). Kept on globalThis
 * because server.ts and Next's server bundles load separate copies of this module.
 */
import { processGlobal } from "@/shared/process-global";

type Hook = () => Promise<void>;
const hooks = processGlobal("shutdownHooks", () => new Map<string, Hook>());

export function onShutdown(name: string, hook: Hook): void {
  hooks.set(name, hook);
}

export async function runShutdownHooks(): Promise<void> {
  await Promise.allSettled([...hooks.values()].map((hook) => hook()));
}

export type ShutdownBounds = {
  /** How long requests in flight may take to finish before they are cut. */
  drainMs: number;
  /** How long the shutdown hooks (the usage flush) may take. */
  hooksMs: number;
  /** How long `after` (closing the database) may take. */
  afterMs: number;
};

/** Together under 10 s: what `docker stop` and most orchestrators allow before SIGKILL. */
export const SHUTDOWN_BOUNDS: ShutdownBounds = { drainMs: 5_000, hooksMs: 3_000, afterMs: 1_000 };

/** Resolves true when `work` settles without error within `ms`, false otherwise. */
function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });

/**
 * The shutdown sequence: `before` (stop accepting, wait for the requests in flight), then every
 * shutdown hook, then `after`. Nothing skips the hooks: waiting for requests ends at
 * `drainMs` or when `cut` aborts (a second signal), and `before`'s signal tells it to cut what
 * is still open, so nothing answers after the flush. Every step is bounded. True when all of it
 * completed in time.
 */
export async function shutDown(
  before: (cut: AbortSignal) => Promise<void> | void,
  after: () => Promise<void> | void,
  options: { bounds?: ShutdownBounds; cut?: AbortController } = {},
): Promise<boolean> {
  const bounds = options.bounds ?? SHUTDOWN_BOUNDS;
  const cut = options.cut ?? new AbortController();
  const drainTimer = setTimeout(() => cut.abort(), bounds.drainMs);
  try {
    await Promise.race([Promise.resolve().then(() => before(cut.signal)), aborted(cut.signal)]);
  } catch {
    // Stopping the server failed: the hooks still run.
  } finally {
    clearTimeout(drainTimer);
    cut.abort();
  }
  const flushed = await within(runShutdownHooks(), bounds.hooksMs);
  const closed = await within(
    Promise.resolve().then(() => after()),
    bounds.afterMs,
  );
  return flushed && closed;
}

/**
 * On SIGTERM or SIGINT: `shutDown(before, after)`, then exit (0 when every step finished in
 * time). A second signal stops waiting for the requests in flight — it does not skip the flush.
 */
export function exitOnSignals(
  before: (cut: AbortSignal) => Promise<void> | void = () => {},
  after: () => Promise<void> | void = () => {},
): void {
  let stopping = false;
  const cut = new AbortController();
  const stop = async (signal: string) => {
    if (stopping) return void cut.abort();
    stopping = true;
    console.info(`[latchkey] ${signal}: shutting down`);
    const clean = await shutDown(before, after, { cut }).catch(() => false);
    process.exit(clean ? 0 : 1);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
