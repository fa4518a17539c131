/**
 * One value per process, however many copies of a module are loaded: server.ts and each of
 * Next's server bundles evaluate their own copy, and hot reload evaluates them again. It lives in
 * shared/, beside the layers rather than in one, so db/ and lib/ can both use it without db/
 * depending on lib/.
 */
export function processGlobal<T>(name: string, create: () => T): T {
  const key = Symbol.for(`latchkey.${name}`);
  const store = globalThis as Record<symbol, unknown>;
  if (!(key in store)) store[key] = create();
  return store[key] as T;
}
