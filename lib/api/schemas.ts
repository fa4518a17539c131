/**
 * The management API's request and response shapes. Handlers parse with these and the OpenAPI
 * document is generated from them, so the two cannot disagree.
 */
import { z } from "zod";
import { USAGE_REFILLS } from "@/db/enums";
import { STATS_PERIODS } from "@/db/queries/usage-stats";
import { dateTimeParam, dayParam, plainText } from "@/lib/input";
import { GRACE_PERIOD_IDS } from "@/lib/keys/grace";
import {
  allowedIpsSchema,
  environmentSchema,
  keyDescriptionSchema,
  keyNameSchema,
  rateLimitSchema,
  refuseRefillWithoutLimit,
  scopesSchema,
  usageLimitSchema,
  usageRefillSchema,
  usageRemainingSchema,
  webhookUrlSchema,
} from "@/lib/keys/schemas";
import { SCOPE_IDS } from "@/lib/scopes";
import { cursorParam } from "./cursor";

const isoDate = z.iso.datetime({ offset: true });

/** `expiresAt` on the wire: an ISO date-time in the future (before 10000), or null for none. */
const expiresAtInput = dateTimeParam
  .nullable()
  .transform((v) => (v === null ? null : new Date(v)))
  .refine((d) => d === null || d.getTime() > Date.now(), "The expiry must be in the future.");

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details." });

export const keyStatusSchema = z.enum(["active", "disabled", "revoked", "expired"]);

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    environment: z.enum(["live", "test"]),
    start: z.string().meta({ description: "The key's visible beginning, e.g. `lk_live_AbCd`." }),
    scopes: z.array(z.enum(SCOPE_IDS)),
    status: keyStatusSchema.meta({ description: "Derived: a key past `expiresAt` is `expired`." }),
    expiresAt: isoDate.nullable(),
    allowedIps: z.array(z.string()),
    rateLimitPerMinute: z.int().nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
    lastUsedAt: isoDate.nullable(),
    revokedAt: isoDate.nullable(),
    rolledFromId: z.uuid().nullable(),
    webhookUrl: z.string().nullable(),
    leakedAt: isoDate.nullable().meta({ description: "When the key was reported as leaked." }),
    usageLimit: z.int().nullable().meta({
      description: "Credits: requests the key may make (per refill period); null is unlimited.",
    }),
    usageRefill: z.enum(USAGE_REFILLS).meta({
      description: "When the credits go back to `usageLimit`: never, or each UTC day or month.",
    }),
    usageRemaining: z.int().nullable().meta({
      description:
        "Credits left in the current refill period (null without a limit). Requests past it are refused with 429 `usage_exceeded`.",
    }),
  })
  .meta({ id: "ApiKey" });

export const apiKeyDetailSchema = apiKeySchema
  .extend({
    scopesUsed: z
      .array(z.string())
      .meta({ description: "Scopes its requests needed in the last 30 days (least privilege)." }),
  })
  .meta({ id: "ApiKeyDetail" });

export const createdApiKeySchema = apiKeySchema
  .extend({
    key: z.string().meta({ description: "The full key. Shown in this response only." }),
    webhookSecret: z.string().optional().meta({
      description:
        "The webhook signing secret (`whsec_…`), when a webhook URL was set. Shown once.",
    }),
  })
  .meta({ id: "CreatedApiKey" });

export const apiKeyPageSchema = z
  .object({ data: z.array(apiKeySchema), nextCursor: z.string().nullable() })
  .meta({ id: "ApiKeyPage" });

export const createApiKeyBody = z
  .strictObject({
    name: keyNameSchema,
    description: keyDescriptionSchema,
    scopes: scopesSchema,
    environment: environmentSchema.default("live"),
    expiresAt: expiresAtInput.default(null),
    allowedIps: allowedIpsSchema.default([]),
    rateLimitPerMinute: rateLimitSchema.default(null),
    webhookUrl: webhookUrlSchema.default(null),
    usageLimit: usageLimitSchema.default(null).meta({
      description: "Requests the key may make (per refill period); null is unlimited.",
    }),
    usageRefill: usageRefillSchema.default("never").meta({
      description:
        "Sets the credits back to `usageLimit` at the start of each UTC day or month; needs a `usageLimit`.",
    }),
  })
  .superRefine(refuseRefillWithoutLimit)
  .meta({ id: "CreateApiKey" });

export const updateApiKeyBody = z
  .strictObject({
    name: keyNameSchema.optional(),
    description: keyDescriptionSchema.optional(),
    status: z.enum(["active", "disabled"]).optional(),
    scopes: scopesSchema.optional(),
    rateLimitPerMinute: rateLimitSchema.optional(),
    allowedIps: allowedIpsSchema.optional(),
    expiresAt: expiresAtInput.optional(),
    webhookUrl: webhookUrlSchema.optional().meta({ description: "null removes the webhook." }),
    usageLimit: usageLimitSchema.optional().meta({
      description:
        "A new limit moves `usageRemaining` by the difference (never below 0); a first limit starts full; null removes it (with `usageRefill` `never`).",
    }),
    usageRefill: usageRefillSchema.optional().meta({
      description: "`daily` or `monthly` (UTC) needs a `usageLimit`.",
    }),
    usageRemaining: usageRemainingSchema.optional().meta({
      description:
        "Sets the credits left in the current period (a top-up), for a key with a `usageLimit`.",
    }),
  })
  .meta({ id: "UpdateApiKey" });

export const updatedApiKeySchema = apiKeySchema
  .extend({
    webhookSecret: z.string().optional().meta({
      description: "The new signing secret, when this call set the first webhook URL. Shown once.",
    }),
  })
  .meta({ id: "UpdatedApiKey" });

export const rollApiKeyBody = z
  .strictObject({
    gracePeriod: z
      .enum(GRACE_PERIOD_IDS)
      .default("24h")
      .meta({ description: "How long the old key keeps working." }),
  })
  .meta({ id: "RollApiKey" });

export const rolledApiKeySchema = z
  .object({
    key: createdApiKeySchema,
    previous: apiKeySchema,
  })
  .meta({ id: "RolledApiKey" });

/** "7d", "12h": a window from now. */
const withinParam = z
  .string()
  .regex(/^[1-9]\d{0,3}[hd]$/, "Use a number of hours or days, e.g. 24h or 7d.")
  .transform((v) => Number(v.slice(0, -1)) * (v.endsWith("h") ? 3_600_000 : 86_400_000));

const limitParam = z.coerce.number().int().min(1).max(100).default(20);

export const listApiKeysQuery = z.strictObject({
  limit: limitParam,
  cursor: cursorParam("uuid").optional(),
  status: keyStatusSchema.optional(),
  environment: z.enum(["live", "test"]).optional(),
  expiringWithin: withinParam
    .optional()
    .meta({ description: "Keys that expire within this window, e.g. `7d`." }),
  q: plainText(z.string().trim().min(1).max(64)).optional().meta({ description: "Name contains." }),
});

export const keyIdParams = z.strictObject({ id: z.uuid() });

export const statsQuery = z.strictObject({
  period: z.enum(Object.keys(STATS_PERIODS) as [keyof typeof STATS_PERIODS]).default("24h"),
});

export const keyStatsSchema = z
  .object({
    period: z.enum(Object.keys(STATS_PERIODS) as [keyof typeof STATS_PERIODS]),
    totalRequests: z.int(),
    successfulRequests: z.int(),
    errorRequests: z.int(),
    averageResponseTimeMs: z.number(),
    topEndpoints: z.array(z.object({ method: z.string(), endpoint: z.string(), count: z.int() })),
    daily: z.array(z.object({ date: z.iso.date(), requests: z.int(), errors: z.int() })),
  })
  .meta({ id: "ApiKeyStats" });

export const auditEventSchema = z
  .object({
    id: z.uuid(),
    createdAt: isoDate,
    action: z.string(),
    actor: z.object({
      label: z.string(),
      userId: z.uuid().nullable(),
      keyId: z.uuid().nullable(),
    }),
    keyId: z.uuid().nullable(),
    keyName: z.string().nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: "AuditEvent" });

export const auditPageSchema = z
  .object({ data: z.array(auditEventSchema), nextCursor: z.string().nullable() })
  .meta({ id: "AuditEventPage" });

const dateParam = dayParam.or(dateTimeParam);

export const auditLogQuery = z.strictObject({
  limit: limitParam,
  cursor: cursorParam("seq").optional(),
  keyId: z.uuid().optional(),
  actor: plainText(z.string().trim().min(1).max(200))
    .optional()
    .meta({ description: "Actor contains." }),
  action: plainText(z.string().trim().min(1).max(64)).optional(),
  from: dateParam.optional().meta({ description: "Events at or after (date or date-time)." }),
  to: dateParam.optional().meta({ description: "Events before the end of (date or date-time)." }),
});
