import type postgres from "postgres";
import type { Sql } from "../sql.ts";

/**
 * The `Sql` port over a postgres.js client: prepared statements with `$1…` parameters, and
 * `sql.begin` transactions (savepoints when already inside one).
 */
export function sqlFromPostgres(client: postgres.Sql | postgres.TransactionSql): Sql {
  return {
    async query<T extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) {
      const rows = await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
        prepare: true,
      });
      return rows as unknown as T[];
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const inner = (tx: postgres.TransactionSql) => fn(sqlFromPostgres(tx));
      const result = "savepoint" in client ? client.savepoint(inner) : client.begin(inner);
      return (await result) as T;
    },
  };
}
