/**
 * A PostgreSQL array literal (`{"a","b"}`) for one text parameter cast to an array type: a batch
 * of rows becomes a few parameters unnested in SQL instead of a VALUES list of thousands of
 * parameters that the drivers build and serialize one by one. Strings are always quoted, with
 * `"` and `\` escaped, so any text round-trips.
 */
export function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values
    .map((v) => (typeof v === "number" ? String(v) : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`))
    .join(",")}}`;
}
