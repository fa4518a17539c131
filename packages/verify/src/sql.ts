/**
 * The one thing the verifier needs of a database: statements with `$1…` parameters, and
 * transactions. The direct verifier builds it on postgres.js; the Latchkey app builds it on its
 * own client (postgres.js or PGlite), so both run the same SQL.
 */
export interface Sql {
  /** One statement; rows as plain objects. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<T[]>;
  /** `fn` inside one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}
