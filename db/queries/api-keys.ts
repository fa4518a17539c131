import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  ilike,
  inArray,
  isNull,
  lte,
  ne,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { apiKeys, auditLogs, users } from "@/db/schema";

/** Channel on which every change to a key's verification data is announced (payload: key hash). */
export const KEY_CHANGED_CHANNEL = "latchkey_key_changed";

/** Announces changed keys; inside a transaction the notification is sent on commit only. */
export async function notifyKeysChanged(db: Db | Tx, hashes: readonly string[]): Promise<void> {
  if (hashes.length === 0) return;
  const list = sql.join(
    hashes.map((h) => sql`${h}`),
    sql`, `,
  );
  await db.execute(
    sql`select pg_notify(${KEY_CHANGED_CHANNEL}, h) from unnest(array[${list}]::text[]) as h`,
  );
}

/** The columns the UI may see: never the hash. */
export const keyListColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  description: apiKeys.description,
  environment: apiKeys.environment,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  status: apiKeys.status,
  expiresAt: apiKeys.expiresAt,
  allowedIps: apiKeys.allowedIps,
  rateLimitPerMinute: apiKeys.rateLimitPerMinute,
  createdAt: apiKeys.createdAt,
  updatedAt: apiKeys.updatedAt,
  lastUsedAt: apiKeys.lastUsedAt,
  disabledAt: apiKeys.disabledAt,
  revokedAt: apiKeys.revokedAt,
};

export const KEY_SORTS = ["created", "name", "last_used"] as const;
export const KEY_STATUS_FILTERS = ["all", "active", "disabled", "expired", "revoked"] as const;

export type KeyListQuery = {
  q?: string;
  status?: (typeof KEY_STATUS_FILTERS)[number];
  sort?: (typeof KEY_SORTS)[number];
  dir?: "asc" | "desc";
  page?: number;
  size?: number;
};

function statusFilter(status: KeyListQuery["status"]): SQL | undefined {
  const notExpired = or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`));
  switch (status) {
    case "active":
      return and(eq(apiKeys.status, "active"), notExpired);
    case "disabled":
      return and(eq(apiKeys.status, "disabled"), notExpired);
    case "revoked":
      return eq(apiKeys.status, "revoked");
    case "expired":
      return and(ne(apiKeys.status, "revoked"), lte(apiKeys.expiresAt, sql`now()`));
    default:
      return undefined;
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of an organization's keys, sorted and filtered in SQL (indexed by org). */
export async function listKeys(db: Db, organizationId: string, query: KeyListQuery = {}) {
  const size = Math.min(Math.max(query.size ?? 20, 1), 100);
  const page = Math.max(query.page ?? 1, 1);
  const where = and(
    eq(apiKeys.organizationId, organizationId),
    statusFilter(query.status),
    query.q ? ilike(apiKeys.name, `%${escapeLike(query.q)}%`) : undefined,
  );
  const dir = query.dir ?? (query.sort === "name" ? "asc" : "desc");
  const order = dir === "asc" ? asc : desc;
  const orderBy =
    query.sort === "name"
      ? [order(apiKeys.name), order(apiKeys.id)]
      : query.sort === "last_used"
        ? [sql`${apiKeys.lastUsedAt} ${sql.raw(dir)} nulls last`, order(apiKeys.id)]
        : // Exactly api_keys_org_created_idx (created_at desc nulls last, id), forwards or
          // backwards: page 1 is read off the index instead of sorting every key of the org.
          [
            sql`${apiKeys.createdAt} ${sql.raw(dir)} nulls ${sql.raw(dir === "asc" ? "first" : "last")}`,
            (dir === "asc" ? desc : asc)(apiKeys.id),
          ];
  const [rows, [total]] = await Promise.all([
    db
      .select(keyListColumns)
      .from(apiKeys)
      .where(where)
      .orderBy(...orderBy)
      .limit(size)
      .offset((page - 1) * size),
    db.select({ n: count() }).from(apiKeys).where(where),
  ]);
  return { rows, total: total?.n ?? 0, page, size };
}

export async function getKey(db: Db, organizationId: string, id: string) {
  const [row] = await db
    .select(keyListColumns)
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)))
    .limit(1);
  return row ?? null;
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

export function keysByIds(db: Db | Tx, organizationId: string, ids: readonly string[]) {
  return db
    .select({
      ...keyListColumns,
      hash: apiKeys.hash,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, organizationId), inArray(apiKeys.id, [...ids])))
    .for("update");
}
