/**
 * The app's database as the verifier package's `Sql`: statements with `$1…` parameters on the
 * app's own connections (postgres.js prepared, or PGlite through drizzle), so the package's SQL
 * (key lookups, usage flushes, credits) is seen by the query observer like every other query.
 */

import { sqlFromPostgres } from "@latchkey/verify/postgres";
import type { Sql } from "@latchkey/verify/sql";
import { type SQL, sql } from "drizzle-orm";
import {
  type Db,
  type DbClient,
  executeRows,
  getClient,
  getDb,
  observeQuery,
  type Tx,
} from "./index";

const PARAM = /\$(\d+)/g;

/** `text` with its `$n` placeholders bound to `params`, as drizzle SQL. */
export function boundSql(text: string, params: readonly unknown[] = []): SQL {
  const chunks: SQL[] = [];
  let last = 0;
  for (const match of text.matchAll(PARAM)) {
    const index = Number(match[1]) - 1;
    if (index < 0 || index >= params.length) throw new Error(`no parameter ${match[0]}`);
    chunks.push(sql.raw(text.slice(last, match.index)), sql`${params[index]}`);
    last = match.index + match[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks);
}

/** `db` (or a transaction of it) as a `Sql`. */
export function sqlOf(db: Db | Tx): Sql {
  return {
    query: <T extends Record<string, unknown>>(text: string, params?: readonly unknown[]) =>
      executeRows<T>(db, boundSql(text, params)),
    transaction: (fn) => db.transaction((tx) => fn(sqlOf(tx))),
  };
}

/** postgres.js straight, each statement prepared; drizzle's `execute` would not prepare them. */
function prepared(client: DbClient & { kind: "postgres" }): Sql {
  const direct = sqlFromPostgres(client.sql);
  const observed = (sql: Sql): Sql => ({
    query: (text, params) => {
      observeQuery(text);
      return sql.query(text, params);
    },
    transaction: (fn) => sql.transaction((tx) => fn(observed(tx))),
  });
  return observed(direct);
}

const byClient = new WeakMap<DbClient, Sql>();

/** The process's current client as a `Sql`. */
function current(): Sql {
  const client = getClient();
  let sql = byClient.get(client);
  if (!sql) {
    sql = client.kind === "postgres" ? prepared(client) : sqlOf(getDb());
    byClient.set(client, sql);
  }
  return sql;
}

/**
 * The process's database, looked up on every statement (tests swap the client). On PostgreSQL
 * the verifier's statements (key lookups above all) are prepared by the server; on PGlite they go
 * through drizzle.
 */
export const appSql: Sql = {
  query: (text, params) => current().query(text, params),
  transaction: (fn) => current().transaction(fn),
};
