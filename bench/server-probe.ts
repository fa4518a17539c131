/**
 * Preloaded into the benchmarked server (`node --import ./bench/server-probe.ts server.ts`):
 * counts the statements the app sends through drizzle, by kind, and reports them with the RSS
 * over the IPC channel. Never loaded by the app itself.
 */
type Counts = Record<StatementKind, number>;
export type StatementKind = "lookup" | "usageInsert" | "lastUsedUpdate" | "heartbeat" | "other";
export type ProbeReport = { counts: Counts; rss: number; heapUsed: number };

function kindOf(query: string): StatementKind {
  // The package's key lookup (@latchkey/verify/store), and drizzle's form of it.
  if (query.includes("where k.hash = $") || query.includes('"api_keys"."hash" =')) return "lookup";
  if (query.includes("insert into api_key_usage")) return "usageInsert";
  if (query.includes("update api_keys k set last_used_at")) return "lastUsedUpdate";
  if (query.includes("pg_notify")) return "heartbeat";
  return "other";
}

const zero = (): Counts => ({
  lookup: 0,
  usageInsert: 0,
  lastUsedUpdate: 0,
  heartbeat: 0,
  other: 0,
});
let counts = zero();

// The process-global slot db/index.ts reads on every query (what setQueryObserver sets), filled
// before the app loads: processGlobal() keeps an existing value.
(globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.queryObserver")] = {
  current: (query: string) => {
    counts[kindOf(query)]++;
  },
};

process.on("message", (message: { type: string; id: number }) => {
  if (message.type === "reset") counts = zero();
  // Collect first (the server runs with --expose-gc) so RSS compares live memory, not garbage.
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.send?.({ id: message.id, counts: { ...counts }, rss, heapUsed });
});
