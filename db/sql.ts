/**
 * The app's database as the verifier package's `Sql`: statements with `$1…` parameters run
 * through drizzle on whichever driver is in use (postgres.js or PGlite), so the package's SQL
 * (key lookups, usage flushes, credits) runs on the app's own connections and is seen by the
 * query observer like every other query.
 */

import type { Sql } from "@latchkey/verify/sql";
import { type SQL, sql } from "drizzle-orm";
import { type Db, executeRows, getDb, type Tx } from "./index";

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

/** The process's database, looked up on every statement (tests swap the client). */
export const appSql: Sql = {
  query: (text, params) => sqlOf(getDb()).query(text, params),
  transaction: (fn) => sqlOf(getDb()).transaction(fn),
};
