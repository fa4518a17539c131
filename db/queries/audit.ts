/** The audit log: written in the transaction of each change, read back searchable and org-scoped. */
import { and, count, desc, eq, gte, ilike, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { escapeLike } from "@/db/queries/api-keys";
import { type Keyset, keyset } from "@/db/queries/keyset";
import { apiKeys, auditLogs, users } from "@/db/schema";

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

export type AuditFilters = {
  keyId?: string;
  /** Matches the actor's label or current user name, case-insensitively. */
  actor?: string;
  action?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
};

function where(organizationId: string, f: AuditFilters): SQL | undefined {
  const actor = f.actor ? `%${escapeLike(f.actor)}%` : null;
  return and(
    eq(auditLogs.organizationId, organizationId),
    f.keyId ? eq(auditLogs.keyId, f.keyId) : undefined,
    actor ? or(ilike(auditLogs.actorLabel, actor), ilike(users.name, actor)) : undefined,
    f.action ? eq(auditLogs.action, f.action) : undefined,
    f.from ? gte(auditLogs.createdAt, f.from) : undefined,
    f.to ? lt(auditLogs.createdAt, f.to) : undefined,
  );
}

const columns = {
  id: auditLogs.id,
  seq: auditLogs.seq,
  createdAt: auditLogs.createdAt,
  action: auditLogs.action,
  actorLabel: auditLogs.actorLabel,
  actorUserId: auditLogs.actorUserId,
  actorKeyId: auditLogs.actorKeyId,
  actorName: users.name,
  keyId: auditLogs.keyId,
  keyName: auditLogs.keyName,
  before: auditLogs.before,
  after: auditLogs.after,
  metadata: auditLogs.metadata,
};

/** One numbered page, newest first (the settings page). */
export async function searchAuditLog(
  db: Db,
  organizationId: string,
  filters: AuditFilters,
  options: { page?: number; size?: number } = {},
) {
  const size = Math.min(Math.max(options.size ?? 50, 1), 200);
  const page = Math.max(options.page ?? 1, 1);
  const w = where(organizationId, filters);
  const [rows, [total]] = await Promise.all([
    db
      .select(columns)
      .from(auditLogs)
      .leftJoin(users, eq(users.id, auditLogs.actorUserId))
      .where(w)
      .orderBy(desc(auditLogs.seq))
      .limit(size)
      .offset((page - 1) * size),
    db
      .select({ n: count() })
      .from(auditLogs)
      .leftJoin(users, eq(users.id, auditLogs.actorUserId))
      .where(w),
  ]);
  return { rows, total: total?.n ?? 0, page, size };
}

const byCreated = keyset(auditLogs.createdAt, auditLogs.seq, "bigint");

/** Newest first after a (created_at, seq) position: stable while events are added (the API). */
export async function auditLogPage(
  db: Db,
  organizationId: string,
  filters: AuditFilters,
  page: { limit: number; after?: Keyset },
) {
  const after = page.after && /^\d{1,18}$/.test(page.after.i) ? page.after : undefined;
  const rows = await db
    .select({ ...columns, position: byCreated.position })
    .from(auditLogs)
    .leftJoin(users, eq(users.id, auditLogs.actorUserId))
    .where(and(where(organizationId, filters), byCreated.after(after)))
    .orderBy(...byCreated.orderBy)
    .limit(byCreated.limit(page.limit));
  return byCreated.page(rows, page.limit, (row) => String(row.seq));
}

/** Every matching event, oldest first, in batches (CSV export). */
export async function* allAuditEvents(
  db: Db,
  organizationId: string,
  filters: AuditFilters,
  batchSize = 1000,
) {
  let afterSeq = 0;
  for (;;) {
    const rows = await db
      .select(columns)
      .from(auditLogs)
      .leftJoin(users, eq(users.id, auditLogs.actorUserId))
      .where(and(where(organizationId, filters), sql`${auditLogs.seq} > ${afterSeq}`))
      .orderBy(auditLogs.seq)
      .limit(batchSize);
    if (rows.length === 0) return;
    yield rows;
    afterSeq = rows.at(-1)?.seq ?? afterSeq;
  }
}

/** What the filter controls offer: the org's keys and the actions that occurred. */
export async function auditFilterChoices(db: Db, organizationId: string) {
  const [keys, actions] = await Promise.all([
    db
      .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix })
      .from(apiKeys)
      .where(eq(apiKeys.organizationId, organizationId))
      .orderBy(apiKeys.name, apiKeys.id)
      .limit(500),
    db
      .selectDistinct({ action: auditLogs.action })
      .from(auditLogs)
      .where(eq(auditLogs.organizationId, organizationId))
      .orderBy(auditLogs.action),
  ]);
  return { keys, actions: actions.map((a) => a.action) };
}
