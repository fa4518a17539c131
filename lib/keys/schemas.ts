import { z } from "zod";
import { KEY_ENVIRONMENTS } from "@/db/enums";
import type { KeyEnvironment } from "@/db/schema";
import { env } from "@/lib/env";
import { parseIpAllowlist } from "@/lib/net/ip";
import { SCOPE_IDS, type Scope } from "@/lib/scopes";
import { webhookUrlProblem } from "@/lib/webhooks/ssrf";

export const keyNameSchema = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(64, "Name must be at most 64 characters.");

export const keyDescriptionSchema = z
  .string()
  .trim()
  .max(500, "Description must be at most 500 characters.")
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

/** Addresses and CIDRs, normalised (e.g. ::ffff:10.0.0.0/104 → 10.0.0.0/8), deduplicated. */
export const allowedIpsSchema = z
  .array(z.string())
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

export const expiresAtSchema = z.coerce
  .date({ error: "Enter a valid date." })
  .refine((d) => d.getTime() > Date.now(), "The expiry must be in the future.")
  .nullable();

/**
 * Where the key's events are POSTed: https only, never a private or loopback literal address
 * (WEBHOOKS_ALLOW_PRIVATE lifts both for development). Empty or null removes the webhook. Hosts
 * are resolved and checked again at every send.
 */
export const webhookUrlSchema = z
  .string({ error: "Enter a URL." })
  .trim()
  .nullish()
  .transform((v, ctx) => {
    if (v === undefined) return undefined;
    if (!v) return null;
    const problem = webhookUrlProblem(v, env().WEBHOOKS_ALLOW_PRIVATE);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return new URL(v).toString();
  });

/** The canonical input for creating a key, shared by the settings page and the REST API. */
export const createKeySchema = z.object({
  name: keyNameSchema,
  description: keyDescriptionSchema,
  scopes: scopesSchema,
  environment: environmentSchema.default("live"),
  expiresAt: expiresAtSchema.default(null),
  allowedIps: allowedIpsSchema.default([]),
  rateLimitPerMinute: rateLimitSchema.default(null),
  webhookUrl: webhookUrlSchema.optional(),
});
export type CreateKeyInput = z.output<typeof createKeySchema>;

export const updateKeySchema = z.object({
  name: keyNameSchema.optional(),
  description: keyDescriptionSchema.optional(),
  scopes: scopesSchema.optional(),
  expiresAt: expiresAtSchema.optional(),
  allowedIps: allowedIpsSchema.optional(),
  rateLimitPerMinute: rateLimitSchema.optional(),
  webhookUrl: webhookUrlSchema.optional(),
});
export type UpdateKeyInput = z.output<typeof updateKeySchema>;

export const EXPIRATION_CHOICES = ["never", "7", "30", "60", "90", "custom"] as const;

const optionalText = z
  .string()
  .optional()
  .transform((v) => v?.trim() ?? "");

/**
 * The create form as FormData sends it: strings, a checkbox per scope, an expiration choice with
 * an optional custom date, allowed IPs as free text. Turned into the canonical input.
 */
export const createKeyFormSchema = z
  .object({
    name: z.string().optional().default(""),
    description: optionalText,
    scopes: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
    environment: z.string().optional().default("live"),
    expiration: z.enum(EXPIRATION_CHOICES, { error: "Choose an expiration." }).default("never"),
    expiresOn: optionalText,
    allowedIps: optionalText,
    rateLimitPerMinute: optionalText,
    webhookUrl: optionalText,
  })
  .transform((form, ctx): z.input<typeof createKeySchema> => {
    let expiresAt: Date | null = null;
    if (form.expiration === "custom") {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(form.expiresOn)) {
        ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "Choose an expiry date." });
        return z.NEVER;
      }
      // The end of the chosen day, UTC.
      expiresAt = new Date(`${form.expiresOn}T23:59:59.999Z`);
    } else if (form.expiration !== "never") {
      expiresAt = new Date(Date.now() + Number(form.expiration) * 86_400_000);
    }
    const rate = form.rateLimitPerMinute === "" ? null : Number(form.rateLimitPerMinute);
    return {
      name: form.name,
      description: form.description,
      // Unknown values are left for createKeySchema to reject with a field error.
      scopes: form.scopes as Scope[],
      environment: form.environment as KeyEnvironment,
      expiresAt,
      allowedIps: form.allowedIps.split(/[\s,]+/).filter(Boolean),
      rateLimitPerMinute: rate,
      webhookUrl: form.webhookUrl || null,
    };
  })
  .pipe(createKeySchema);

export const keyIdSchema = z.object({ id: z.uuid("Unknown key.") });
export const keyIdsSchema = z.object({
  ids: z.array(z.uuid("Unknown key.")).min(1, "Select at least one key.").max(500),
});
