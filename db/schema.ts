import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { KEY_ENVIRONMENTS, KEY_STATUSES, ROLES, USAGE_REFILLS } from "./enums";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const roleEnum = pgEnum("member_role", ROLES);
export const keyEnvironmentEnum = pgEnum("key_environment", KEY_ENVIRONMENTS);
export const keyStatusEnum = pgEnum("key_status", KEY_STATUSES);
export const usageRefillEnum = pgEnum("usage_refill", USAGE_REFILLS);
/** What happens to a key reported as leaked. */
export const leakActionEnum = pgEnum("leak_action", ["disable", "revoke", "notify"]);
export const webhookDeliveryStatusEnum = pgEnum("webhook_delivery_status", [
  "pending",
  "delivered",
  "failed",
]);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** Bumped on sign-out, password change and removal from every org: older sessions end. */
    sessionVersion: integer("session_version").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_unique").on(sql`lower(${t.email})`)],
);

export const organizations = pgTable("organizations", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const memberships = pgTable(
  "memberships",
  {
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId] }),
    index("memberships_user_idx").on(t.userId),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    description: text("description"),
    environment: keyEnvironmentEnum("environment").notNull(),
    /** Display form without the mask, e.g. `lk_live_AbCd`. */
    prefix: text("prefix").notNull(),
    /** Hex SHA-256 of the whole key: the key itself is never stored. */
    hash: text("hash").notNull(),
    scopes: text("scopes").array().notNull(),
    status: keyStatusEnum("status").notNull().default("active"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    allowedIps: text("allowed_ips").array().notNull().default(sql`'{}'::text[]`),
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id, { onDelete: "set null" }),
    /** Set on a key created by rolling another one. */
    rolledFromId: uuid("rolled_from_id"),
    /** Why the key was disabled by the system (`inactive`, `leaked`); null when a person did it. */
    disabledReason: text("disabled_reason"),
    /** When the key was first reported as leaked. */
    leakedAt: timestamp("leaked_at", { withTimezone: true }),
    /** Per-key webhook target (`https://…`) and its signing secret, AES-256-GCM encrypted. */
    webhookUrl: text("webhook_url"),
    webhookSecretEnc: text("webhook_secret_enc"),
    /** Credits: requests the key may make (null: unlimited) and how they come back. */
    usageLimit: integer("usage_limit"),
    usageRefill: usageRefillEnum("usage_refill").notNull().default("never"),
    /** Credits left in `usage_period`, less any leased out to instances. Null when unlimited. */
    usageRemaining: integer("usage_remaining"),
    /**
     * The refill period `usage_remaining` belongs to (UTC day or month number; 0 without refill):
     * part of the counter's identity, so a refill happens once per period, by whoever sees it due.
     */
    usagePeriod: integer("usage_period").notNull().default(0),
    /** Bumped by every change an admin makes to the credits: counters of older versions stop. */
    usageVersion: integer("usage_version").notNull().default(0),
  },
  (t) => [
    uniqueIndex("api_keys_hash_unique").on(t.hash),
    index("api_keys_org_created_idx").on(t.organizationId, t.createdAt.desc(), t.id),
    index("api_keys_org_name_idx").on(t.organizationId, t.name, t.id),
    index("api_keys_org_last_used_idx").on(t.organizationId, t.lastUsedAt, t.id),
    index("api_keys_rolled_from_idx").on(t.rolledFromId),
    index("api_keys_expires_idx").on(t.expiresAt),
    // The keys page's banners: an org's keys expiring soon, and its few leaked keys.
    index("api_keys_org_expires_idx")
      .on(t.organizationId, t.expiresAt)
      .where(sql`${t.expiresAt} is not null`),
    index("api_keys_org_leaked_idx")
      .on(t.organizationId, t.leakedAt.desc())
      .where(sql`${t.leakedAt} is not null`),
  ],
);

export const auditLogs = pgTable(
  "audit_logs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Total order of events, also within one transaction. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    actorKeyId: uuid("actor_key_id"),
    /** Who it was at the time, kept even if the user goes away. */
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    keyId: uuid("key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    keyName: text("key_name"),
    before: jsonb("before"),
    after: jsonb("after"),
    /** Context of the event: a leak report's url/source, a member's email and role, a roll's pair. */
    metadata: jsonb("metadata"),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_logs_org_seq_idx").on(t.organizationId, t.seq.desc()),
    index("audit_logs_org_created_idx").on(t.organizationId, t.createdAt),
    index("audit_logs_key_seq_idx").on(t.keyId, t.seq.desc()),
  ],
);

export const customers = pgTable(
  "customers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    email: text("email").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("customers_org_created_idx").on(t.organizationId, t.createdAt.desc())],
);

/** Verified requests, aggregated per key, minute, endpoint and status class. */
export const apiKeyUsage = pgTable(
  "api_key_usage",
  {
    keyId: uuid("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id").notNull(),
    minute: timestamp("minute", { withTimezone: true }).notNull(),
    method: text("method").notNull(),
    endpoint: text("endpoint").notNull(),
    statusClass: integer("status_class").notNull(),
    requests: bigint("requests", { mode: "number" }).notNull(),
    totalDurationMs: bigint("total_duration_ms", { mode: "number" }).notNull(),
    /** Scopes the route required: what the key actually needed (least-privilege suggestions). */
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [
    primaryKey({ columns: [t.keyId, t.minute, t.method, t.endpoint, t.statusClass] }),
    index("api_key_usage_org_minute_idx").on(t.organizationId, t.minute),
  ],
);

/**
 * The same counters summed per UTC day, written by the same flush: long periods (the 90-day stats)
 * read one row per day, endpoint and status class instead of one per minute.
 */
export const apiKeyUsageDaily = pgTable(
  "api_key_usage_daily",
  {
    keyId: uuid("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id").notNull(),
    /** Midnight UTC of the day. */
    day: timestamp("day", { withTimezone: true }).notNull(),
    method: text("method").notNull(),
    endpoint: text("endpoint").notNull(),
    statusClass: integer("status_class").notNull(),
    requests: bigint("requests", { mode: "number" }).notNull(),
    totalDurationMs: bigint("total_duration_ms", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.day, t.method, t.endpoint, t.statusClass] })],
);

/** An organization's rules for its keys; no row means no limits and leaks disable the key. */
export const keyPolicies = pgTable("key_policies", {
  organizationId: uuid("organization_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  maxLifetimeDays: integer("max_lifetime_days"),
  requireAllowedIpsForLive: boolean("require_allowed_ips_for_live").notNull().default(false),
  disableUnusedAfterDays: integer("disable_unused_after_days"),
  leakAction: leakActionEnum("leak_action").notNull().default("disable"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
});

/**
 * The webhook outbox and delivery log in one: a row is written in the same transaction as the
 * change it announces, then claimed and sent by the delivery worker until it is delivered or
 * has failed for good.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    keyId: uuid("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    /** The whole JSON body sent: `{ type, timestamp, data }`. */
    payload: jsonb("payload").notNull(),
    url: text("url").notNull(),
    status: webhookDeliveryStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** A worker's lease on the row while it sends; a crashed worker's lease simply runs out. */
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    /** Makes periodic events idempotent, e.g. `key.expiring:<keyId>:<expiresAt>`. */
    dedupeKey: text("dedupe_key"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_dedupe_unique").on(t.dedupeKey),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_key_created_idx").on(t.keyId, t.createdAt.desc()),
    index("webhook_deliveries_created_idx").on(t.createdAt),
  ],
);

export type Role = (typeof roleEnum.enumValues)[number];
export type KeyStatus = (typeof keyStatusEnum.enumValues)[number];
export type KeyEnvironment = (typeof keyEnvironmentEnum.enumValues)[number];
export type LeakAction = (typeof leakActionEnum.enumValues)[number];
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatusEnum.enumValues)[number];
export type UsageRefill = (typeof usageRefillEnum.enumValues)[number];
