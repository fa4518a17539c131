/**
 * Work to finish before the process exits (e.g. flushing buffered usage). Kept on globalThis
 * because server.ts and Next's server bundles load separate copies of this module.
 */
type Hook = () => Promise<void>;
const key = Symbol.for("latchkey.shutdownHooks");
const g = globalThis as Record<symbol, unknown>;
const hooks: Map<string, Hook> = (g[key] as Map<string, Hook>) ?? new Map();
g[key] = hooks;

export function onShutdown(name: string, hook: Hook): void {
  hooks.set(name, hook);
}

export async function runShutdownHooks(): Promise<void> {
  await Promise.allSettled([...hooks.values()].map((hook) => hook()));
}
