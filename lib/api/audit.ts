import type { z } from "zod";
import type { AuditFilters } from "@/db/queries/audit";
import { LATEST_DATE } from "@/lib/input";
import type { auditEventSchema } from "./schemas";

/**
 * "2026-01-31" means the whole day (UTC); a date-time means that instant. The end of 9999-12-31
 * is its last millisecond: the next one (year 10000) is no timestamp PostgreSQL reads.
 */
export function auditRange(from?: string, to?: string): Pick<AuditFilters, "from" | "to"> {
  const day = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
  const end = (v: string) =>
    new Date(Math.min(new Date(`${v}T00:00:00Z`).getTime() + 86_400_000, LATEST_DATE.getTime()));
  return {
    from: from ? new Date(day(from) ? `${from}T00:00:00Z` : from) : undefined,
    to: to ? (day(to) ? end(to) : new Date(to)) : undefined,
  };
}

type Row = {
  id: string;
  createdAt: Date;
  action: string;
  actorLabel: string;
  actorUserId: string | null;
  actorKeyId: string | null;
  keyId: string | null;
  keyName: string | null;
  before: unknown;
  after: unknown;
  metadata: unknown;
};

const asRecord = (v: unknown) =>
  v && typeof v === "object" ? (v as Record<string, unknown>) : null;

export function toAuditEvent(row: Row): z.input<typeof auditEventSchema> {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    action: row.action,
    actor: { label: row.actorLabel, userId: row.actorUserId, keyId: row.actorKeyId },
    keyId: row.keyId,
    keyName: row.keyName,
    before: asRecord(row.before),
    after: asRecord(row.after),
    metadata: asRecord(row.metadata),
  };
}
