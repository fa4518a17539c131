import { randomBytes } from "node:crypto";
import { and, inArray, notInArray, sql } from "drizzle-orm";
import fc from "fast-check";
import { expect } from "vitest";
import { executeRows, getDb } from "@/db";
import { apiKeys, auditLogs, customers, memberships, webhookDeliveries } from "@/db/schema";

/**
 * Listing fixtures: rows inserted with exact timestamps (microseconds, as PostgreSQL keeps them)
 * and the plain-TypeScript model of what each listing must return, so a page walk can be compared
 * with the rows the caller may see, in order.
 */

/** Every generated row's time is BASE plus a number of microseconds. */
export const BASE = "2026-06-01T00:00:00";
const BASE_MS = Date.parse(`${BASE}Z`);

/** The timestamp `us` microseconds after BASE, as a PostgreSQL literal. */
export function stamp(us: number): string {
  const ms = Math.floor(us / 1000);
  const second = new Date(BASE_MS + Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  return `${second}.${String((us % 1_000_000) + 1_000_000).slice(1)}Z`;
}

/** Microseconds after BASE of an instant with millisecond precision (a filter bound). */
export const microsOf = (date: Date) => (date.getTime() - BASE_MS) * 1000;
export const dateAt = (us: number) => new Date(BASE_MS + Math.floor(us / 1000));

/**
 * Times that collide often: a few milliseconds, each with microseconds that are equal, one apart,
 * or that vanish when the time is cut to milliseconds (456, 999).
 */
export const tick = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom(0, 1, 456, 999))
  .map(([ms, us]) => ms * 1000 + us);

export const org = fc.constantFrom(0, 1);

/** Ascending comparison for keys of mixed numbers and strings (uuids compare as PostgreSQL's). */
export function compare(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number | string;
    const y = b[i] as number | string;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** How PostgreSQL orders these strings under the database's collation (rank per string). */
export async function collationRanks(values: readonly string[]): Promise<Map<string, number>> {
  const distinct = [...new Set(values)];
  if (distinct.length === 0) return new Map();
  const ordered = await executeRows<{ v: string }>(
    getDb(),
    sql`select v from (values ${sql.join(
      distinct.map((v) => sql`(${v}::text)`),
      sql`, `,
    )}) as t(v) order by v`,
  );
  return new Map(ordered.map((r, i) => [r.v, i]));
}

/** Case-insensitive "contains", as ILIKE '%q%' with the pattern characters escaped. */
export const contains = (text: string | null | undefined, q: string) =>
  text?.toLowerCase().includes(q.toLowerCase()) ?? false;

// ---------------------------------------------------------------------------------------------
// Inserts

export type KeySpec = {
  org: number;
  t: number;
  name: string;
  status: "active" | "disabled" | "revoked";
  environment: "live" | "test";
  /** Hours from now (negative: already expired); null: no expiry. */
  expiresInHours: number | null;
  /** Microseconds after BASE; null: never used. */
  lastUsed: number | null;
  id?: string;
};
export type KeyRow = KeySpec & { id: string; organizationId: string };

export async function insertKeys(orgIds: readonly string[], specs: readonly KeySpec[]) {
  if (specs.length === 0) return [] as KeyRow[];
  const hashes = specs.map(() => randomBytes(32).toString("hex"));
  const rows = await getDb()
    .insert(apiKeys)
    .values(
      specs.map((s, i) => ({
        ...(s.id ? { id: s.id } : {}),
        organizationId: orgIds[s.org] as string,
        name: s.name,
        environment: s.environment,
        prefix: `lk_${s.environment}_${(hashes[i] as string).slice(0, 4)}`,
        hash: hashes[i] as string,
        scopes: ["customers:read"],
        status: s.status,
        expiresAt:
          s.expiresInHours === null
            ? null
            : sql`now() + make_interval(hours => ${s.expiresInHours})`,
        lastUsedAt: s.lastUsed === null ? null : sql`${stamp(s.lastUsed)}::timestamptz`,
        createdAt: sql`${stamp(s.t)}::timestamptz`,
      })),
    )
    .returning({ id: apiKeys.id, hash: apiKeys.hash });
  const idOf = new Map(rows.map((r) => [r.hash, r.id]));
  return specs.map((s, i) => ({
    ...s,
    id: idOf.get(hashes[i] as string) as string,
    organizationId: orgIds[s.org] as string,
  }));
}

export type AuditSpec = {
  org: number;
  t: number;
  action: string;
  actorLabel: string;
  /** Index into the users passed to insertAuditRows; null: no user (a key or the system). */
  actorUser: number | null;
  /** Index into the key ids passed to insertAuditRows; null: not about a key. */
  key: number | null;
};
export type AuditRow = AuditSpec & {
  id: string;
  seq: number;
  organizationId: string;
  actorName: string | null;
  keyId: string | null;
  /** The metadata written with it, which names the row in the CSV export. */
  row: number;
};

/** Inserts in the given order, so `seq` follows the array while `created_at` comes from `t`. */
export async function insertAuditRows(
  orgIds: readonly string[],
  people: readonly { id: string; name: string }[],
  keyIds: readonly string[],
  specs: readonly AuditSpec[],
) {
  if (specs.length === 0) return [] as AuditRow[];
  const rows = await getDb()
    .insert(auditLogs)
    .values(
      specs.map((s, i) => ({
        organizationId: orgIds[s.org] as string,
        actorUserId: s.actorUser === null ? null : (people[s.actorUser]?.id as string),
        actorLabel: s.actorLabel,
        action: s.action,
        keyId: s.key === null ? null : (keyIds[s.key] as string),
        keyName: s.key === null ? null : `key ${s.key}`,
        metadata: { row: i },
        createdAt: sql`${stamp(s.t)}::timestamptz`,
      })),
    )
    .returning({ id: auditLogs.id, seq: auditLogs.seq, metadata: auditLogs.metadata });
  const byRow = new Map(rows.map((r) => [(r.metadata as { row: number }).row, r]));
  return specs.map((s, i) => {
    const r = byRow.get(i) as { id: string; seq: number };
    return {
      ...s,
      id: r.id,
      seq: Number(r.seq),
      row: i,
      organizationId: orgIds[s.org] as string,
      actorName: s.actorUser === null ? null : (people[s.actorUser]?.name ?? null),
      keyId: s.key === null ? null : (keyIds[s.key] as string),
    };
  });
}

export type TimedSpec = { org: number; t: number; id?: string };
export type TimedRow = TimedSpec & { id: string; organizationId: string };

export async function insertCustomers(orgIds: readonly string[], specs: readonly TimedSpec[]) {
  if (specs.length === 0) return [] as TimedRow[];
  const rows = await getDb()
    .insert(customers)
    .values(
      specs.map((s, i) => ({
        ...(s.id ? { id: s.id } : {}),
        organizationId: orgIds[s.org] as string,
        name: `Customer ${i}`,
        email: `c${i}@example.test`,
        createdAt: sql`${stamp(s.t)}::timestamptz`,
      })),
    )
    .returning({ id: customers.id, email: customers.email });
  const idOf = new Map(rows.map((r) => [r.email, r.id]));
  return specs.map((s, i) => ({
    ...s,
    id: idOf.get(`c${i}@example.test`) as string,
    organizationId: orgIds[s.org] as string,
  }));
}

export type DeliverySpec = TimedSpec & { key: number };
export type DeliveryRow = DeliverySpec & { id: string; organizationId: string; keyId: string };

export async function insertDeliveries(
  orgIds: readonly string[],
  keyIds: readonly string[],
  specs: readonly DeliverySpec[],
) {
  if (specs.length === 0) return [] as DeliveryRow[];
  const tag = randomBytes(6).toString("hex");
  const rows = await getDb()
    .insert(webhookDeliveries)
    .values(
      specs.map((s, i) => ({
        organizationId: orgIds[s.org] as string,
        keyId: keyIds[s.key] as string,
        eventType: "key.updated",
        payload: { row: i },
        url: "https://hooks.example.test/in",
        status: "delivered" as const,
        dedupeKey: `${tag}:${i}`,
        createdAt: sql`${stamp(s.t)}::timestamptz`,
      })),
    )
    .returning({ id: webhookDeliveries.id, dedupeKey: webhookDeliveries.dedupeKey });
  const idOf = new Map(rows.map((r) => [r.dedupeKey, r.id]));
  return specs.map((s, i) => ({
    ...s,
    id: idOf.get(`${tag}:${i}`) as string,
    organizationId: orgIds[s.org] as string,
    keyId: keyIds[s.key] as string,
  }));
}

export type MemberSpec = { org: number; user: number; t: number };

export async function insertMemberships(
  orgIds: readonly string[],
  people: readonly { id: string }[],
  specs: readonly MemberSpec[],
) {
  // One membership per (organization, user): the first spec wins.
  const seen = new Set<string>();
  const unique = specs.filter((s) => {
    const k = `${s.org}:${s.user}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (unique.length === 0) return unique;
  await getDb()
    .insert(memberships)
    .values(
      unique.map((s) => ({
        organizationId: orgIds[s.org] as string,
        userId: people[s.user]?.id as string,
        role: "member" as const,
        createdAt: sql`${stamp(s.t)}::timestamptz`,
      })),
    );
  return unique;
}

/** Removes every listed row of these organizations (keys other than `keep`). */
export async function clearOrganizations(orgIds: readonly string[], keep: readonly string[] = []) {
  const db = getDb();
  const ids = [...orgIds];
  await db.delete(auditLogs).where(inArray(auditLogs.organizationId, ids));
  await db.delete(customers).where(inArray(customers.organizationId, ids));
  await db.delete(webhookDeliveries).where(inArray(webhookDeliveries.organizationId, ids));
  await db
    .delete(apiKeys)
    .where(and(inArray(apiKeys.organizationId, ids), notInArray(apiKeys.id, [...keep])));
}

// ---------------------------------------------------------------------------------------------
// Page walks

/**
 * Follows `nextCursor` from the first page to the last. Every page but the last is full, the last
 * is not empty (unless it is the only one), and the walk ends within rows + 1 pages.
 */
export async function walkCursor(
  limit: number,
  fetchPage: (cursor: string | null) => Promise<{ status: number; json: Record<string, unknown> }>,
  bound: number,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; ; page++) {
    expect(page, "the walk ends").toBeLessThanOrEqual(bound + 1);
    const res = await fetchPage(cursor);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const data = res.json.data as { id: string }[];
    const next = res.json.nextCursor as string | null;
    if (next !== null) expect(data.length, "a page before the last is full").toBe(limit);
    else if (page > 0) expect(data.length, "the last page is not empty").toBeGreaterThan(0);
    for (const row of data) ids.push(row.id);
    if (next === null) return ids;
    cursor = next;
  }
}

/** The ids a listing must return: the caller's rows that match, in the listing's order. */
export function expectedIds<R extends { id: string; organizationId: string }>(
  rows: readonly R[],
  organizationId: string,
  match: (row: R) => boolean,
  order: (a: R, b: R) => number,
): string[] {
  return rows
    .filter((r) => r.organizationId === organizationId && match(r))
    .sort(order)
    .map((r) => r.id);
}
