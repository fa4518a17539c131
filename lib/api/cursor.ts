import { z } from "zod";

/** A keyset position: the last row of a page, newest-first by (createdAt, id). */
export type Cursor = { createdAt: Date; id: string };

const payloadSchema = z.strictObject({
  t: z.iso.datetime({ offset: false, precision: 3 }),
  id: z.uuid(),
});

const MAX_CURSOR_LENGTH = 200;

/** An opaque base64url token for the row a page ended on. */
export function encodeCursor(row: Cursor): string {
  return Buffer.from(JSON.stringify({ t: row.createdAt.toISOString(), id: row.id })).toString(
    "base64url",
  );
}

/** The position a token names, or null for anything that was not made by encodeCursor. */
export function decodeCursor(token: string): Cursor | null {
  if (token.length === 0 || token.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return null;
  const createdAt = new Date(parsed.data.t);
  if (Number.isNaN(createdAt.getTime())) return null;
  return { createdAt, id: parsed.data.id.toLowerCase() };
}
