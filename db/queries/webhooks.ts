/**
 * The webhook outbox and delivery log. Rows are written in the transaction of the change that
 * causes them and claimed by workers with a lease (`locked_until`), so several instances share the
 * work on PostgreSQL (FOR UPDATE SKIP LOCKED) and a crashed worker's rows return to the queue.
 */
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { type Db, executeRows, type Tx } from "@/db";
import { apiKeys, webhookDeliveries } from "@/db/schema";

export type NewDelivery = {
  organizationId: string;
  keyId: string;
  eventType: string;
  payload: unknown;
  url: string;
  dedupeKey?: string | null;
};

/** Adds an event to the outbox; a repeated dedupe key is ignored. Returns the row id, if new. */
export async function insertDelivery(db: Db | Tx, row: NewDelivery): Promise<string | null> {
  const [inserted] = await db
    .insert(webhookDeliveries)
    .values({ ...row, dedupeKey: row.dedupeKey ?? null })
    .onConflictDoNothing({ target: webhookDeliveries.dedupeKey })
    .returning({ id: webhookDeliveries.id });
  return inserted?.id ?? null;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', ${ISO})`);

/**
 * The periodic events: `key.expiring` once 7 days before a key's expiry and `key.expired` once
 * after it (expired within the last 7 days). The dedupe key holds the expiry, so moving it
 * announces the new date. Returns how many events were added.
 */
export async function enqueueExpiryEvents(db: Db, now: Date): Promise<number> {
  const at = now.toISOString();
  const rows = await executeRows<{ id: string }>(
    db,
    sql`
    insert into webhook_deliveries (organization_id, key_id, event_type, payload, url, dedupe_key, next_attempt_at)
    select k.organization_id, k.id, e.type,
      jsonb_build_object('type', e.type, 'timestamp', ${at}::text, 'data', jsonb_build_object(
        'keyId', k.id, 'organizationId', k.organization_id, 'name', k.name,
        'expiresAt', ${iso("k.expires_at")})),
      k.webhook_url,
      e.type || ':' || k.id || ':' || (extract(epoch from k.expires_at) * 1000)::bigint,
      ${at}::timestamptz
    from api_keys k
    cross join lateral (
      select case when k.expires_at <= ${at}::timestamptz then 'key.expired' else 'key.expiring' end as type
    ) e
    where k.webhook_url is not null
      and k.status <> 'revoked'
      and k.expires_at > ${at}::timestamptz - interval '7 days'
      and k.expires_at <= ${at}::timestamptz + interval '7 days'
    on conflict (dedupe_key) do nothing
    returning id`,
  );
  return rows.length;
}

export type ClaimedDelivery = {
  id: string;
  keyId: string;
  organizationId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
  createdAt: Date;
  webhookUrl: string | null;
  webhookSecretEnc: string | null;
};

/**
 * Leases up to `limit` due deliveries to the caller until `leaseUntil`. Rows another worker is
 * claiming are skipped, not waited for; rows whose lease ran out (a crashed worker) are due again.
 *
 * Organizations take turns: each one's due rows are ranked oldest first, after the rows it already
 * has in flight (leased, by any worker), and rows are handed out by that rank, so a backlog of one
 * organization never sits in front of another's first event. An organization with
 * `perOrganization` rows in flight gets no more until one finishes (two workers claiming at the
 * same instant may each fill that share).
 */
export async function claimDueDeliveries(
  db: Db,
  options: { now: Date; leaseUntil: Date; limit: number; perOrganization?: number },
): Promise<ClaimedDelivery[]> {
  const now = options.now.toISOString();
  const perOrganization = options.perOrganization ?? options.limit;
  const rows = await executeRows<ClaimedDelivery>(
    db,
    sql`
    with due as (
      select d.id, d.organization_id, d.next_attempt_at,
        coalesce(d.locked_until > ${now}::timestamptz, false) as leased
      from webhook_deliveries d
      where d.status = 'pending' and d.next_attempt_at <= ${now}::timestamptz
    ),
    busy as (
      select organization_id, count(*) as n from due where leased group by organization_id
    ),
    ranked as (
      select due.id, due.next_attempt_at,
        row_number() over (partition by due.organization_id order by due.next_attempt_at, due.id)
          + coalesce(busy.n, 0) as turn
      from due left join busy on busy.organization_id = due.organization_id
      where not due.leased
    ),
    picked as (
      select d.id from webhook_deliveries d
      where d.id in (
          select id from ranked where turn <= ${perOrganization}
          order by turn, next_attempt_at, id
          limit ${options.limit}
        )
        and d.status = 'pending' and d.next_attempt_at <= ${now}::timestamptz
        and (d.locked_until is null or d.locked_until <= ${now}::timestamptz)
      for update of d skip locked
    )
    update webhook_deliveries d
    set locked_until = ${options.leaseUntil.toISOString()}::timestamptz, updated_at = ${now}::timestamptz
    from picked, api_keys k
    where d.id = picked.id and k.id = d.key_id
    returning d.id, d.key_id as "keyId", d.organization_id as "organizationId",
      d.event_type as "eventType", d.payload, d.attempts, d.created_at as "createdAt",
      k.webhook_url as "webhookUrl", k.webhook_secret_enc as "webhookSecretEnc"`,
  );
  return rows.map((r) => ({
    ...r,
    payload: typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload,
    createdAt: new Date(r.createdAt),
  }));
}

export type DeliveryOutcome =
  | { status: "delivered"; statusCode: number; at: Date; url: string }
  | {
      status: "pending" | "failed";
      statusCode: number | null;
      error: string;
      at: Date;
      nextAttemptAt: Date;
      url: string | null;
    };

/**
 * Records an attempt's outcome, only while the caller still holds the lease it claimed with:
 * a worker that lost its lease cannot overwrite the work of the one that took over.
 */
export async function recordAttempt(
  db: Db,
  id: string,
  lease: Date,
  outcome: DeliveryOutcome,
): Promise<boolean> {
  const common = {
    attempts: sql`${webhookDeliveries.attempts} + 1`,
    lockedUntil: null,
    updatedAt: outcome.at,
    status: outcome.status,
    lastStatusCode: outcome.statusCode,
    ...(outcome.url ? { url: outcome.url } : {}),
  };
  const set =
    outcome.status === "delivered"
      ? { ...common, lastError: null, deliveredAt: outcome.at }
      : { ...common, lastError: outcome.error.slice(0, 500), nextAttemptAt: outcome.nextAttemptAt };
  const updated = await db
    .update(webhookDeliveries)
    .set(set)
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.lockedUntil, lease)))
    .returning({ id: webhookDeliveries.id });
  return updated.length === 1;
}

/** Gives a claimed delivery back untouched (the worker is stopping before sending it). */
export async function releaseDelivery(db: Db, id: string, lease: Date): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ lockedUntil: null })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.lockedUntil, lease)));
}

/** Retention: the delivery log keeps 30 days. */
export async function deleteDeliveriesBefore(db: Db, cutoff: Date): Promise<number> {
  const deleted = await db
    .delete(webhookDeliveries)
    .where(lt(webhookDeliveries.createdAt, cutoff))
    .returning({ id: webhookDeliveries.id });
  return deleted.length;
}

export const deliveryColumns = {
  id: webhookDeliveries.id,
  eventType: webhookDeliveries.eventType,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  lastError: webhookDeliveries.lastError,
  url: webhookDeliveries.url,
  createdAt: webhookDeliveries.createdAt,
  deliveredAt: webhookDeliveries.deliveredAt,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
};
/** A key's most recent deliveries, newest first (the key must belong to the organization). */
export async function listDeliveries(db: Db, organizationId: string, keyId: string, limit = 50) {
  return db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .where(
      and(eq(webhookDeliveries.organizationId, organizationId), eq(webhookDeliveries.keyId, keyId)),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(Math.min(Math.max(limit, 1), 100));
}

export type DeliveryRow = Awaited<ReturnType<typeof listDeliveries>>[number];

/** A key's webhook target, if it has one (never the secret). */
export async function keyWebhook(db: Db | Tx, organizationId: string, keyId: string) {
  const [row] = await db
    .select({
      id: apiKeys.id,
      organizationId: apiKeys.organizationId,
      name: apiKeys.name,
      webhookUrl: apiKeys.webhookUrl,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, keyId)))
    .limit(1);
  return row ?? null;
}
