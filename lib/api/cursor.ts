import { z } from "zod";

/**
 * Opaque keyset cursors: base64url of a small JSON object. The shape is validated on the way back
 * in, so a forged or corrupted cursor is a 400, never a SQL error.
 */
const keysetSchema = z.strictObject({
  /** The row's timestamp with microseconds, as PostgreSQL printed it. */
  t: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/),
  /** The row's id, or its sequence number where that is the tie-breaker. */
  i: z.union([z.uuid(), z.string().regex(/^\d{1,18}$/)]),
});
export type Keyset = z.output<typeof keysetSchema>;

export function encodeCursor(position: Keyset): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

export function decodeCursor(cursor: string): Keyset | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  try {
    const parsed = keysetSchema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A `cursor` query parameter: decoded, or a validation issue. */
export const cursorParam = z
  .string()
  .meta({ description: "Opaque cursor from a previous page's `nextCursor`." })
  .transform((value, ctx) => {
    const position = decodeCursor(value);
    if (!position) {
      ctx.addIssue({ code: "custom", message: "Invalid cursor." });
      return z.NEVER;
    }
    return position;
  });
