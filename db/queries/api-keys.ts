import { KEY_CHANGED_CHANNEL } from "@latchkey/verify/listener";
import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  ilike,
  inArray,
  isNotNull,
  isNull,
  lte,
  ne,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { type Db, notify, type Tx } from "@/db";
import { KEY_DISPLAY_STATUSES } from "@/db/enums";
import { EXPIRING_SOON_DAYS } from "@/db/key-status";
import { apiKeys, type KeyEnvironment, type UsageRefill } from "@/db/schema";

/** Channel on which every change to a key's verification data is announced (payload: key hash). */
export { KEY_CHANGED_CHANNEL };

/** Announces changed keys; inside a transaction the notification is sent on commit only. */
export function notifyKeysChanged(db: Db | Tx, hashes: readonly string[]): Promise<void> {
  return notify(db, KEY_CHANGED_CHANNEL, hashes);
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
  webhookUrl: apiKeys.webhookUrl,
  disabledReason: apiKeys.disabledReason,
  leakedAt: apiKeys.leakedAt,
  rolledFromId: apiKeys.rolledFromId,
  usageLimit: apiKeys.usageLimit,
  usageRefill: apiKeys.usageRefill,
  usageRemaining: apiKeys.usageRemaining,
  usagePeriod: apiKeys.usagePeriod,
};

export const KEY_SORTS = ["created", "name", "last_used"] as const;
export const KEY_STATUS_FILTERS = ["all", ...KEY_DISPLAY_STATUSES, "expiring"] as const;

export type KeyListQuery = {
  q?: string;
  status?: (typeof KEY_STATUS_FILTERS)[number];
  sort?: (typeof KEY_SORTS)[number];
  dir?: "asc" | "desc";
  page?: number;
  size?: number;
};

// The SQL twin of effectiveStatus() in lib/keys/status.ts: revoked, then expired, then the rest.
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
    // Same rule as isExpiringSoon (lib/keys/status.ts).
    case "expiring":
      return and(
        ne(apiKeys.status, "revoked"),
        gt(apiKeys.expiresAt, sql`now()`),
        lte(apiKeys.expiresAt, sql`now() + ${`${EXPIRING_SOON_DAYS} days`}::interval`),
      );
    default:
      return undefined;
  }
}

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** What either key listing (the keys page, the management API) may filter on. */
export type KeyFilters = {
  status?: KeyListQuery["status"];
  environment?: KeyEnvironment;
  /** Milliseconds from now. */
  expiringWithin?: number;
  q?: string;
};

/** The organization's keys that pass every filter given: the one WHERE of both listings. */
export function keyFilters(organizationId: string, filters: KeyFilters): SQL | undefined {
  return and(
    eq(apiKeys.organizationId, organizationId),
    statusFilter(filters.status),
    filters.environment ? eq(apiKeys.environment, filters.environment) : undefined,
    filters.expiringWithin !== undefined
      ? and(
          ne(apiKeys.status, "revoked"),
          isNotNull(apiKeys.expiresAt),
          gt(apiKeys.expiresAt, sql`now()`),
          lte(
            apiKeys.expiresAt,
            sql`now() + make_interval(secs => ${filters.expiringWithin / 1000})`,
          ),
        )
      : undefined,
    filters.q ? ilike(apiKeys.name, `%${escapeLike(filters.q)}%`) : undefined,
  );
}

/** How far the keys list counts; beyond it the list says "1,000+ keys". */
export const KEY_COUNT_CAP = 1000;

/** One page of an organization's keys, sorted and filtered in SQL (indexed by org). */
export async function listKeys(db: Db, organizationId: string, query: KeyListQuery = {}) {
  const size = Math.min(Math.max(query.size ?? 20, 1), 100);
  const page = Math.max(query.page ?? 1, 1);
  const where = keyFilters(organizationId, { status: query.status, q: query.q });
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
  const [rows, [counted]] = await Promise.all([
    db
      .select(keyListColumns)
      .from(apiKeys)
      .where(where)
      .orderBy(...orderBy)
      .limit(size + 1)
      .offset((page - 1) * size),
    // Counted up to a cap: the page costs the same for 20 keys as for 100,000.
    db.select({ n: count() }).from(
      db
        .select({ one: sql`1` })
        .from(apiKeys)
        .where(where)
        .limit(KEY_COUNT_CAP + 1)
        .as("matching"),
    ),
  ]);
  const n = counted?.n ?? 0;
  return {
    rows: rows.slice(0, size),
    /** Exact up to KEY_COUNT_CAP; beyond it, KEY_COUNT_CAP and `capped`. */
    total: Math.min(n, KEY_COUNT_CAP),
    capped: n > KEY_COUNT_CAP,
    hasNext: rows.length > size,
    page,
    size,
  };
}

export async function getKey(db: Db, organizationId: string, id: string) {
  const [row] = await db
    .select(keyListColumns)
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)))
    .limit(1);
  return row ?? null;
}

/**
 * The organization's keys with these ids, hash included, each row locked FOR UPDATE until the
 * transaction ends: call it inside the transaction that changes them.
 */
export function lockKeysForUpdate(tx: Tx, organizationId: string, ids: readonly string[]) {
  return tx
    .select({
      ...keyListColumns,
      hash: apiKeys.hash,
      usageVersion: apiKeys.usageVersion,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, organizationId), inArray(apiKeys.id, [...ids])))
    .for("update");
}

/** Keys reported as leaked in the last 30 days, newest report first (for the warning banner). */
export async function recentlyLeakedKeys(db: Db, organizationId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      status: apiKeys.status,
      leakedAt: apiKeys.leakedAt,
    })
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.organizationId, organizationId),
        gt(apiKeys.leakedAt, sql`now() - interval '30 days'`),
      ),
    )
    .orderBy(desc(apiKeys.leakedAt))
    .limit(20);
}

/** A key of the organization as the rows below return it after a write (hash included). */
export type ApiKeyRow = typeof apiKeys.$inferSelect;
type ApiKeyChange = Partial<Omit<typeof apiKeys.$inferInsert, "id" | "organizationId">>;

/**
 * A change to the credits: the new values, and the counters' version bumped in the same UPDATE, so
 * whatever an instance still holds of the old credits (a lease, a Redis counter) stops counting.
 */
export function creditsChange(credits: {
  usageLimit: number | null;
  usageRefill: UsageRefill;
  usageRemaining: number | null;
  usagePeriod: number;
}) {
  return { ...credits, usageVersion: sql<number>`${apiKeys.usageVersion} + 1` };
}

/**
 * The whole row of one of the organization's keys, locked FOR UPDATE until the transaction ends
 * (a roll copies fields the listing columns leave out, such as the webhook secret).
 */
export async function lockKeyRowForUpdate(
  tx: Tx,
  organizationId: string,
  id: string,
): Promise<ApiKeyRow | null> {
  const [row] = await tx
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)))
    .for("update");
  return row ?? null;
}

/** What an acting key holds and whether it still works, read in the caller's transaction. */
export async function keyScopesAndStatus(tx: Tx, organizationId: string, id: string) {
  const [row] = await tx
    .select({ scopes: apiKeys.scopes, status: apiKeys.status, expiresAt: apiKeys.expiresAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)));
  return row ?? null;
}

export async function insertApiKey(
  tx: Tx,
  organizationId: string,
  values: Omit<typeof apiKeys.$inferInsert, "id" | "organizationId">,
): Promise<ApiKeyRow> {
  const [row] = await tx
    .insert(apiKeys)
    .values({ ...values, organizationId })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

/** Changes one of the organization's keys; the row as it is now, or null when there is none. */
export async function updateApiKey(
  tx: Tx,
  organizationId: string,
  id: string,
  change: ApiKeyChange | (Omit<ApiKeyChange, "usageVersion"> & { usageVersion?: SQL<number> }),
): Promise<ApiKeyRow | null> {
  const [row] = await tx
    .update(apiKeys)
    .set(change)
    .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)))
    .returning();
  return row ?? null;
}

/** Makes the same change to several of the organization's keys. */
export async function updateApiKeys(
  tx: Tx,
  organizationId: string,
  ids: readonly string[],
  change: ApiKeyChange,
): Promise<void> {
  await tx
    .update(apiKeys)
    .set(change)
    .where(and(eq(apiKeys.organizationId, organizationId), inArray(apiKeys.id, [...ids])));
}

/**
 * Keys with these hashes not yet reported as leaked, in whatever organization: a leak report
 * names keys by hash only, and each match is then handled inside its own organization.
 */
export function unleakedKeysByHash(db: Db, hashes: readonly string[]) {
  return db
    .select({ id: apiKeys.id, organizationId: apiKeys.organizationId, hash: apiKeys.hash })
    .from(apiKeys)
    .where(and(inArray(apiKeys.hash, [...hashes]), isNull(apiKeys.leakedAt)));
}

/**
 * The organization's active, unexpired keys unused since `cutoff`: not used (or, never used, not
 * created) since then and not changed since then either.
 */
export function idleActiveKeys(tx: Tx, organizationId: string, cutoff: Date, now: Date) {
  return tx
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.organizationId, organizationId),
        eq(apiKeys.status, "active"),
        sql`greatest(coalesce(${apiKeys.lastUsedAt}, ${apiKeys.createdAt}), ${apiKeys.updatedAt}) < ${cutoff.toISOString()}::timestamptz`,
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
      ),
    );
}
