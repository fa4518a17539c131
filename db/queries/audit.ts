import { and, count, desc, eq } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { auditLogs, users } from "@/db/schema";

export type AuditEventInput = {
  organizationId: string;
  actorUserId: string | null;
  actorKeyId?: string | null;
  actorLabel: string;
  action: string;
  /** The key the event is about; null for events about members or the organization. */
  key?: { id: string; name: string } | null;
  before?: object | null;
  after?: object | null;
  metadata?: Record<string, unknown> | null;
};

/** Writes one audit row; call it inside the transaction of the change it records. */
export async function insertAuditEvent(tx: Tx, event: AuditEventInput): Promise<void> {
  await tx.insert(auditLogs).values({
    organizationId: event.organizationId,
    actorUserId: event.actorUserId,
    actorKeyId: event.actorKeyId ?? null,
    actorLabel: event.actorLabel,
    action: event.action,
    keyId: event.key?.id ?? null,
    keyName: event.key?.name ?? null,
    before: event.before ?? null,
    after: event.after ?? null,
    metadata: event.metadata ?? null,
  });
}

export async function listAuditEvents(
  db: Db,
  organizationId: string,
  options: { keyId?: string; page?: number; size?: number } = {},
) {
  const size = Math.min(Math.max(options.size ?? 50, 1), 200);
  const page = Math.max(options.page ?? 1, 1);
  const where = and(
    eq(auditLogs.organizationId, organizationId),
    options.keyId ? eq(auditLogs.keyId, options.keyId) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: auditLogs.id,
        createdAt: auditLogs.createdAt,
        action: auditLogs.action,
        actorLabel: auditLogs.actorLabel,
        actorName: users.name,
        keyId: auditLogs.keyId,
        keyName: auditLogs.keyName,
        before: auditLogs.before,
        after: auditLogs.after,
        metadata: auditLogs.metadata,
      })
      .from(auditLogs)
      .leftJoin(users, eq(users.id, auditLogs.actorUserId))
      .where(where)
      // Newest first; seq keeps the order of events written in one transaction.
      .orderBy(desc(auditLogs.seq))
      .limit(size)
      .offset((page - 1) * size),
    db.select({ n: count() }).from(auditLogs).where(where),
  ]);
  return { rows, total: total?.n ?? 0, page, size };
}
