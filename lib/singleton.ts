/** One instance per process, shared by every bundle and surviving hot reload. */
export function globalSingleton<T>(name: string, create: () => T): T {
  const store = globalThis as Record<symbol, unknown>;
  const key = Symbol.for(name);
  if (!(key in store)) store[key] = create();
  return store[key] as T;
}
