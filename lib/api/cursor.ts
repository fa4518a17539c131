import { z } from "zod";

/** PostgreSQL's UTC timestamp text, as `to_char` or `toISOString()` prints it. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const EPOCH = Date.UTC(1970, 0, 1);

/**
 * A real instant from 1970 on: the pattern alone lets through `2026-99-99T99:99:99Z` or
 * `2026-02-30T…`, which PostgreSQL or `new Date` refuse only once the query runs. A day or time
 * that does not exist rolls over when parsed, so it does not read back the same.
 */
function isTimestamp(value: string): boolean {
  if (!TIMESTAMP.test(value)) return false;
  const time = Date.parse(value);
  return time >= EPOCH && new Date(time).toISOString().slice(0, 19) === value.slice(0, 19);
}

/** What a page is ordered on after its timestamp: a row's uuid, or its sequence number. */
export type CursorId = "uuid" | "seq";

const ID_SCHEMAS = {
  uuid: z.uuid(),
  /** A bigint sequence number (at most 18 digits, so always below 2^63). */
  seq: z.string().regex(/^\d{1,18}$/),
} satisfies Record<CursorId, z.ZodType<string>>;

const keysetSchema = (id?: CursorId) =>
  z.strictObject({
    /** The row's timestamp with microseconds, as PostgreSQL printed it. */
    t: z.string().refine(isTimestamp),
    /** The row's id, or its sequence number where that is the tie-breaker. */
    i: id ? ID_SCHEMAS[id] : z.union([ID_SCHEMAS.uuid, ID_SCHEMAS.seq]),
  });
export type Keyset = z.output<ReturnType<typeof keysetSchema>>;

/**
 * Opaque keyset cursors: base64url of a small JSON object. Everything in it is validated on the
 * way back in — a real timestamp, an id of the kind the list is ordered on — so a forged or
 * corrupted cursor is a 400, never a SQL error.
 */
export function encodeCursor(position: Keyset): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

/** The position in `cursor`, or null; `id` names the id kind the list expects (any if omitted). */
export function decodeCursor(cursor: string, id?: CursorId): Keyset | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  try {
    const json = JSON.parse(Buffer.from(cursor, "base64url").toString());
    const parsed = keysetSchema(id).safeParse(json);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A `cursor` query parameter of a list ordered on `id`: decoded, or a validation issue. */
export const cursorParam = (id: CursorId) =>
  z
    .string()
    .meta({ description: "Opaque cursor from a previous page's `nextCursor`." })
    .transform((value, ctx) => {
      const position = decodeCursor(value, id);
      if (!position) {
        ctx.addIssue({ code: "custom", message: "Invalid cursor." });
        return z.NEVER;
      }
      return position;
    });
