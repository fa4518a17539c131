import { z } from "zod";
import { KEY_ENVIRONMENTS, USAGE_REFILLS } from "@/db/enums";
import type { KeyEnvironment, UsageRefill } from "@/db/schema";
import { env } from "@/lib/env";
import { boundedDate, inDateRange, plainText } from "@/lib/input";
import { MAX_USAGE, REFILL_NEEDS_LIMIT } from "@/lib/keys/credits";
import { EXPIRATION_CHOICES, type ExpirationChoice } from "@/lib/keys/expiration";
import { parseIpAllowlist } from "@/lib/net/ip";
import { SCOPE_IDS, type Scope } from "@/lib/scopes";
import { webhookUrlProblem } from "@/lib/webhooks/ssrf";

export const keyNameSchema = plainText(
  z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, "Enter a name.")
    .max(64, "Name must be at most 64 characters."),
);

export const keyDescriptionSchema = plainText(
  z.string().trim().max(500, "Description must be at most 500 characters."),
  { multiline: true },
)
  .nullish()
  .transform((v) => v || null);

export const scopesSchema = z
  .array(z.enum(SCOPE_IDS, { error: "Unknown scope." }), { error: "Choose at least one scope." })
  .min(1, "Choose at least one scope.")
  .transform((list) => [...new Set(list)].sort());

export const environmentSchema = z.enum(KEY_ENVIRONMENTS, { error: "Choose Live or Test." });

export const MAX_RATE_LIMIT = 1_000_000;
export const rateLimitSchema = z
  .number({ error: "Enter a whole number of requests per minute." })
  .int("Enter a whole number of requests per minute.")
  .min(1, "The rate limit must be at least 1 request per minute.")
  .max(MAX_RATE_LIMIT, `The rate limit must be at most ${MAX_RATE_LIMIT} requests per minute.`)
  .nullable();

const WHOLE_REQUESTS = "Enter a whole number of requests.";

/** Credits: the requests a key may make (per refill period when it refills); null is unlimited. */
export const usageLimitSchema = z
  .number({ error: WHOLE_REQUESTS })
  .int(WHOLE_REQUESTS)
  .min(1, "The usage limit must be at least 1 request.")
  .max(MAX_USAGE, `The usage limit must be at most ${MAX_USAGE.toLocaleString("en-US")} requests.`)
  .nullable();

export const usageRefillSchema = z.enum(USAGE_REFILLS, {
  error: "Choose Never, Every day or Every month.",
});

/** What is left of a key's credits, set by hand (a top-up). */
export const usageRemainingSchema = z
  .number({ error: WHOLE_REQUESTS })
  .int(WHOLE_REQUESTS)
  .min(0, "Usage left cannot be negative.")
  .max(MAX_USAGE, `Usage left must be at most ${MAX_USAGE.toLocaleString("en-US")} requests.`);

/** A refill brings the credits back to the limit: without a limit there is nothing to refill. */
export function refuseRefillWithoutLimit(
  value: { usageLimit?: number | null; usageRefill?: UsageRefill },
  ctx: z.RefinementCtx,
): void {
  if (value.usageLimit === null && value.usageRefill && value.usageRefill !== "never") {
    ctx.addIssue({ code: "custom", path: ["usageRefill"], message: REFILL_NEEDS_LIMIT });
  }
}

/** Addresses and CIDRs, normalised (e.g. ::ffff:10.0.0.0/104 → 10.0.0.0/8), deduplicated. */
export const allowedIpsSchema = z
  .array(plainText(z.string()))
  .max(100, "At most 100 addresses or ranges.")
  .transform((list, ctx) => {
    const parsed = parseIpAllowlist(list);
    if (!parsed.ok) {
      ctx.addIssue({
        code: "custom",
        message: `Not a valid IP address or CIDR range: ${parsed.invalid.join(", ")}`,
      });
      return z.NEVER;
    }
    return [...new Set(parsed.ranges.map((r) => r.text))];
  });

export const expiresAtSchema = boundedDate(z.coerce.date({ error: "Enter a valid date." }))
  .refine((d) => d.getTime() > Date.now(), "The expiry must be in the future.")
  .nullable();

/**
 * Where the key's events are POSTed: https only, never a private or loopback literal address
 * (WEBHOOKS_ALLOW_PRIVATE lifts both for development). Empty or null removes the webhook. Hosts
 * are resolved and checked again at every send.
 */
export const webhookUrlSchema = plainText(z.string({ error: "Enter a URL." }).trim())
  .nullish()
  .transform((v, ctx) => {
    if (!v) return null;
    const problem = webhookUrlProblem(v, env().WEBHOOKS_ALLOW_PRIVATE);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return new URL(v).toString();
  });

/** The canonical input for creating a key, shared by the settings page and the REST API. */
export const createKeySchema = z
  .object({
    name: keyNameSchema,
    description: keyDescriptionSchema,
    scopes: scopesSchema,
    environment: environmentSchema.default("live"),
    expiresAt: expiresAtSchema.default(null),
    allowedIps: allowedIpsSchema.default([]),
    rateLimitPerMinute: rateLimitSchema.default(null),
    webhookUrl: webhookUrlSchema.optional(),
    usageLimit: usageLimitSchema.default(null),
    usageRefill: usageRefillSchema.default("never"),
  })
  .superRefine(refuseRefillWithoutLimit);
type ParsedCreateKey = z.output<typeof createKeySchema>;
/** A key to create; without credits fields it is unlimited (callers other than the two forms). */
export type CreateKeyInput = Omit<ParsedCreateKey, "usageLimit" | "usageRefill"> &
  Partial<Pick<ParsedCreateKey, "usageLimit" | "usageRefill">>;

export const updateKeySchema = z.object({
  name: keyNameSchema.optional(),
  description: keyDescriptionSchema.optional(),
  scopes: scopesSchema.optional(),
  expiresAt: expiresAtSchema.optional(),
  allowedIps: allowedIpsSchema.optional(),
  rateLimitPerMinute: rateLimitSchema.optional(),
  webhookUrl: webhookUrlSchema.optional(),
  // Whether a refill needs a limit, and a top-up one, depends on the key: the key service decides.
  usageLimit: usageLimitSchema.optional(),
  usageRefill: usageRefillSchema.optional(),
  usageRemaining: usageRemainingSchema.optional(),
});
export type UpdateKeyInput = z.output<typeof updateKeySchema>;

const optionalText = z
  .string()
  .optional()
  .transform((v) => v?.trim() ?? "");

const formScopes = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/**
 * A whole number typed in a text box: digits only (no "1e3", "0x10" or "1.0"), else NaN for the
 * number schema to refuse with its own message. Empty is left to the caller.
 */
const wholeNumber = (text: string): number => (/^\d+$/.test(text) ? Number(text) : Number.NaN);

/** "Usage limit" as typed: empty is unlimited; absent from the form (undefined) keeps the limit. */
const formUsageLimit = (text: string | undefined): number | null | undefined =>
  text === undefined ? undefined : text === "" ? null : wholeNumber(text);

const optionalFormText = z
  .string()
  .optional()
  .transform((v) => v?.trim());

/** The fields the create dialog and the key's settings form share, as FormData sends them. */
const keyFormFields = {
  name: z.string().optional().default(""),
  description: optionalText,
  scopes: formScopes,
  expiresOn: optionalText,
  allowedIps: optionalText,
  rateLimitPerMinute: optionalText,
};

type KeyFormFields = {
  name: string;
  description: string;
  scopes: string[];
  expiresOn: string;
  allowedIps: string;
  rateLimitPerMinute: string;
};

/**
 * An expiration choice (and its custom date) as a date; undefined when the form keeps the
 * current one, NEVER after reporting a bad custom date.
 */
function formExpiresAt(
  choice: ExpirationChoice | "keep",
  expiresOn: string,
  ctx: z.RefinementCtx,
): Date | null | undefined {
  if (choice === "keep") return undefined;
  if (choice === "never") return null;
  if (choice === "custom") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(expiresOn)) {
      ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "Choose an expiry date." });
      return z.NEVER;
    }
    // The end of the chosen day, UTC. A day the month does not have (Feb 30) would roll over
    // into the next month: only a date that reads back the same is one.
    const date = new Date(`${expiresOn}T23:59:59.999Z`);
    if (!inDateRange(date) || date.toISOString().slice(0, 10) !== expiresOn) {
      ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "Choose an expiry date." });
      return z.NEVER;
    }
    return date;
  }
  return new Date(Date.now() + Number(choice) * 86_400_000);
}

/** The form's text fields as the canonical input; unknown values are left for it to reject. */
function formSettings(form: KeyFormFields) {
  return {
    name: form.name,
    description: form.description,
    scopes: form.scopes as Scope[],
    allowedIps: form.allowedIps.split(/[\s,]+/),
    rateLimitPerMinute: form.rateLimitPerMinute === "" ? null : Number(form.rateLimitPerMinute),
  };
}

/**
 * The create form as FormData sends it: strings, a checkbox per scope, an expiration choice with
 * an optional custom date, allowed IPs as free text. Turned into the canonical input.
 */
export const createKeyFormSchema = z
  .object({
    ...keyFormFields,
    environment: z.string().optional().default("live"),
    expiration: z.enum(EXPIRATION_CHOICES, { error: "Choose an expiration." }).default("never"),
    webhookUrl: optionalText,
    usageLimit: optionalText,
    usageRefill: z.string().optional().default("never"),
  })
  .transform((form, ctx): z.input<typeof createKeySchema> => {
    const expiresAt = formExpiresAt(form.expiration, form.expiresOn, ctx);
    return {
      ...formSettings(form),
      environment: form.environment as KeyEnvironment,
      expiresAt: expiresAt ?? null,
      webhookUrl: form.webhookUrl || null,
      usageLimit: formUsageLimit(form.usageLimit) ?? null,
      usageRefill: form.usageRefill as UsageRefill,
    };
  })
  .pipe(createKeySchema);

const updateKeyByIdSchema = updateKeySchema.extend({ id: z.uuid("Unknown key.") });

/** Expiration choices on a key's settings form: "keep" leaves the current expiry alone. */
export const UPDATE_EXPIRATION_CHOICES = ["keep", ...EXPIRATION_CHOICES] as const;

/**
 * The key's settings form as FormData sends it: every setting at once (an unchecked scope is
 * removed), turned into the same update input as the management API's PATCH.
 */
export const updateKeyFormSchema = z
  .object({
    id: z.string().optional().default(""),
    ...keyFormFields,
    expiration: z
      .enum(UPDATE_EXPIRATION_CHOICES, { error: "Choose an expiration." })
      .default("keep"),
    usageLimit: optionalFormText,
    usageRefill: z.string().optional(),
  })
  .transform(
    (form, ctx): z.input<typeof updateKeyByIdSchema> => ({
      id: form.id,
      ...formSettings(form),
      expiresAt: formExpiresAt(form.expiration, form.expiresOn, ctx),
      usageLimit: formUsageLimit(form.usageLimit),
      usageRefill: form.usageRefill as UsageRefill | undefined,
    }),
  )
  .pipe(updateKeyByIdSchema);

/** The key page's "Set usage left" form: what is left of the key's credits, typed. */
export const usageLeftFormSchema = z
  .object({
    id: z.string().optional().default(""),
    usageRemaining: optionalText,
  })
  .transform((form) => ({
    id: form.id,
    usageRemaining: form.usageRemaining === "" ? Number.NaN : wholeNumber(form.usageRemaining),
  }))
  .pipe(z.object({ id: z.uuid("Unknown key."), usageRemaining: usageRemainingSchema }));

export const keyIdSchema = z.object({ id: z.uuid("Unknown key.") });
export const keyIdsSchema = z.object({
  ids: z.array(z.uuid("Unknown key.")).min(1, "Select at least one key.").max(500),
});
