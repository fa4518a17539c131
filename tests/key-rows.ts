import { and, asc, eq } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, auditLogs } from "@/db/schema";

/** A key's whole stored row, as tests read it back. */
export async function keyRow(id: string) {
  const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, id));
  if (!row) throw new Error("no key");
  return row;
}

/** Writes a key's columns directly: what the engine, the clock or an old row would have left. */
export function setKeyRow(id: string, patch: Partial<typeof apiKeys.$inferInsert>) {
  return getDb().update(apiKeys).set(patch).where(eq(apiKeys.id, id));
}

/** A key's audit rows, oldest first, optionally of one action. */
export function auditOf(id: string, action?: string) {
  return getDb()
    .select()
    .from(auditLogs)
    .where(and(eq(auditLogs.keyId, id), action ? eq(auditLogs.action, action) : undefined))
    .orderBy(asc(auditLogs.seq));
}
