/**
 * Keyset paging, newest first on (a time, a tie-breaking id): the position after the last row
 * seen, with the time as PostgreSQL prints it to the microsecond. A millisecond `Date` would skip
 * rows created later within that same millisecond.
 */
import { type AnyColumn, desc, type SQL, type SQLWrapper, sql } from "drizzle-orm";

/** A position in a list: the last row's time (microseconds, UTC) and id. */
export type Keyset = { t: string; i: string };

/** A timestamp with its microseconds, so a cursor lands exactly between two rows. */
export const preciseTime = (column: SQLWrapper) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The pieces of a newest-first keyset query on `(time, id)`: select `position`, filter with
 * `after(cursor)`, sort by `orderBy`, read `limit(n)` rows (one more than the page, so the caller
 * knows whether another follows), and cut them with `page`.
 */
export function keyset(time: AnyColumn, id: AnyColumn, idType: "uuid" | "bigint") {
  return {
    position: preciseTime(time),
    after: (cursor: Keyset | null | undefined): SQL | undefined =>
      cursor
        ? sql`(${time}, ${id}) < (${cursor.t}::timestamptz, ${cursor.i}::${sql.raw(idType)})`
        : undefined,
    orderBy: [desc(time), desc(id)] as const,
    limit: (pageSize: number) => pageSize + 1,
    /** The page's rows, and the position after its last one when another page follows. */
    page<R extends { position: string }>(rows: R[], pageSize: number, idOf: (row: R) => string) {
      const data = rows.slice(0, pageSize);
      const last = data.at(-1);
      const next: Keyset | null =
        rows.length > pageSize && last ? { t: last.position, i: idOf(last) } : null;
      return { data, next };
    },
  };
}
