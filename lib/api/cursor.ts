import { z } from "zod";

/** Keyset pagination position: the last row's creation time and id, opaque to clients. */
export type Cursor = { createdAt: Date; id: string };

export function encodeCursor(row: Cursor): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

/** The cursor a client sent back, or null when it is not one we issued. */
export function decodeCursor(cursor: string): Cursor | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const date = new Date(at ?? "");
  if (!id || Number.isNaN(date.getTime()) || !z.uuid().safeParse(id).success) return null;
  return { createdAt: date, id };
}

/** `?limit=` clamped to 1…max; anything unparsable is the default. */
export function pageLimit(param: string | null, fallback = 50, max = 100): number {
  return Math.min(Math.max(Number(param ?? fallback) || fallback, 1), max);
}
