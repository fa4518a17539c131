import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { listenWith } from "@latchkey/verify/postgres";
import { type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { processGlobal } from "@/shared/process-global";
import type { DbConfig } from "./config";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type DbClient =
  | { kind: "pglite"; pg: PGlite; close: () => Promise<void> }
  | { kind: "postgres"; sql: postgres.Sql; close: () => Promise<void> };

type Unlisten = () => Promise<void>;

// One client per process: hot reload and Next's separate server bundles would otherwise each open
// their own (and PGlite must never have two instances on one data directory).
const state = processGlobal("db", () => ({
  client: undefined as DbClient | undefined,
  config: undefined as DbConfig | undefined,
}));

export const migrationsFolder = path.join(process.cwd(), "drizzle");

type QueryObserver = (query: string) => void;
const observer = processGlobal("queryObserver", () => ({
  current: undefined as QueryObserver | undefined,
}));

/** Sees every query sent through drizzle or `appSql` (tests count queries with it). */
export function setQueryObserver(next: QueryObserver | undefined): void {
  observer.current = next;
}

/** Reports a statement sent around drizzle to the query observer. */
export function observeQuery(query: string): void {
  observer.current?.(query);
}

const logger = {
  logQuery(query: string) {
    observer.current?.(query);
  },
};

export function wrapClient(client: DbClient): Db {
  return (client.kind === "pglite"
    ? drizzlePglite({ client: client.pg, schema, logger })
    : drizzlePostgres({ client: client.sql, schema, logger })) as unknown as Db;
}

export function createPostgresClient(url: string, max = 10): DbClient {
  const sql = postgres(url, { max, onnotice: () => {}, connect_timeout: 5, idle_timeout: 60 });
  return { kind: "postgres", sql, close: () => sql.end({ timeout: 5 }) };
}

export function createPgliteClient(dataDir?: string): DbClient {
  if (dataDir) mkdirSync(path.dirname(dataDir), { recursive: true });
  const pg = new PGlite(dataDir);
  return { kind: "pglite", pg, close: () => pg.close() };
}

/** Says which database the process uses; the client opens on first use. Call once at start. */
export function configureDatabase(config: DbConfig): void {
  state.config = config;
}

function createConfiguredClient(): DbClient {
  const config = state.config;
  if (!config) {
    throw new Error("The database is not configured: call configureDatabase(env()) at start-up.");
  }
  if (config.DATABASE_URL) return createPostgresClient(config.DATABASE_URL);
  return createPgliteClient(path.resolve(config.DATA_DIR, "pglite"));
}

export function getClient(): DbClient {
  state.client ??= createConfiguredClient();
  return state.client;
}

// The drizzle wrapper stays per module copy (it is cheap) so each bundle uses its own drizzle-orm.
let local: { client: DbClient; db: Db } | undefined;

/** The one database of this process. Created on first use, never at import. */
export function getDb(): Db {
  const client = getClient();
  if (local?.client !== client) local = { client, db: wrapClient(client) };
  return local.db;
}

/** Replaces the process-wide client (tests, scripts). */
export function setClient(client: DbClient | undefined): void {
  state.client = client;
}

export async function closeDb(): Promise<void> {
  const client = state.client;
  setClient(undefined);
  await client?.close();
}

/** Any fixed number, the same in every instance: the advisory lock the migrations run under. */
export const MIGRATION_LOCK_ID = 7_236_410_915;

/**
 * Applies the committed migrations in drizzle/ to the given (or the process) client. On
 * PostgreSQL several instances may start at once against one database: drizzle's migrator takes
 * no lock (its `create schema/table if not exists` and the migrations themselves race), so it runs
 * under a session advisory lock held on a connection of its own. Whoever waits reads the
 * migrations the first one recorded, and applies nothing.
 */
export async function migrateDatabase(client: DbClient = getClient()): Promise<void> {
  if (client.kind === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(drizzlePglite({ client: client.pg }), { migrationsFolder });
    return;
  }
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  // Its own connection: the pool may have a single one, which the migrator needs.
  const lock = postgres({
    ...client.sql.options,
    max: 1,
    idle_timeout: null,
    max_lifetime: null,
    fetch_types: false,
  } as unknown as postgres.Options<Record<string, never>>);
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migrate(drizzlePostgres({ client: client.sql }), { migrationsFolder });
  } finally {
    // Ending the session releases the lock, also when the unlock itself cannot be sent.
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
    await lock.end({ timeout: 5 });
  }
}

/**
 * LISTEN on a channel with whichever driver is in use. On PostgreSQL the subscription has a
 * connection of its own, and `onClose` hears at once when that connection is lost: the
 * subscription is then gone (postgres.js's own `listen` would re-subscribe silently, and give up
 * silently when the database is still down), and it is up to the caller to subscribe again.
 */
export async function listen(
  channel: string,
  onMessage: (payload: string) => void,
  onClose?: () => void,
  client: DbClient = getClient(),
): Promise<Unlisten> {
  if (client.kind === "pglite") {
    const unsub = await client.pg.listen(channel, onMessage);
    return unsub;
  }
  return listenWith(client.sql)(channel, onMessage, onClose);
}

/**
 * NOTIFY `channel` once per payload. Inside a transaction PostgreSQL delivers on commit only, so
 * listeners never hear of a change that was rolled back.
 */
export async function notify(
  db: Db | Tx,
  channel: string,
  payloads: readonly string[],
): Promise<void> {
  if (payloads.length === 0) return;
  const list = sql.join(
    payloads.map((p) => sql`${p}`),
    sql`, `,
  );
  await db.execute(sql`select pg_notify(${channel}, p) from unnest(array[${list}]::text[]) as p`);
}

export { schema };

/** Raw SQL rows, whichever driver runs it (postgres.js returns an array, PGlite `{ rows }`). */
export async function executeRows<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
