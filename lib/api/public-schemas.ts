/** Shapes of the public demo routes and key verification, shared by handlers and the document. */
import { VERDICT_CODES } from "@latchkey/verify/verdict";
import { z } from "zod";
import { plainText } from "@/lib/input";
import { parseIp } from "@/lib/net/ip";
import { SCOPE_IDS } from "@/lib/scopes";
import { cursorParam } from "./cursor";

export const healthSchema = z.object({ status: z.literal("ok") }).meta({ id: "Health" });

export const meSchema = z
  .object({
    key: z.object({
      id: z.uuid(),
      name: z.string(),
      environment: z.enum(["live", "test"]),
      scopes: z.array(z.enum(SCOPE_IDS)),
    }),
    organization: z.object({ id: z.uuid(), name: z.string() }),
  })
  .meta({ id: "Me" });

// Strict: a field the API does not know (say, organizationId) is an error, not silently dropped.
export const createCustomerBody = z
  .strictObject({
    name: plainText(z.string().trim().min(1, "Enter a name.").max(200)),
    email: z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid email address.")),
  })
  .meta({ id: "CreateCustomer" });

export const customerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "Customer" });

export const customerPageSchema = z
  .object({ data: z.array(customerSchema), nextCursor: z.string().nullable() })
  .meta({ id: "CustomerPage" });

export const customersQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: "1–100, default 50." }),
  cursor: cursorParam("uuid").optional(),
});

/** What usage is recorded under when the verify route's caller names no endpoint. */
export const VERIFY_ENDPOINT = "POST /api/v1/keys/verify";

export const verifyKeyBody = z
  .strictObject({
    key: z.string().max(256).meta({ description: "The key your service was given." }),
    scopes: z
      .array(z.enum(SCOPE_IDS))
      .max(50)
      .optional()
      .meta({ description: "Every one is required; a key lacking one is `insufficient_scope`." }),
    clientIp: z
      .string()
      .max(64)
      .refine((v) => parseIp(v) !== null, "Enter an IPv4 or IPv6 address.")
      .optional()
      .meta({
        description:
          "The end client's address as your service saw it. The key's IP allowlist applies to it; a key with an allowlist checked without it is `ip_not_allowed`.",
      }),
    endpoint: z
      .string()
      .min(1)
      .max(200)
      // Stored as text: no control characters (NUL included) and no lone surrogates.
      .refine((v) => !/\p{Cc}/u.test(v) && v.isWellFormed(), "Remove the control characters.")
      .optional()
      .meta({
        description: `What usage and "Last used" are recorded under, e.g. \`GET /v1/things\` (default \`${VERIFY_ENDPOINT}\`).`,
      }),
    cost: z.int().min(0).max(1000).optional().meta({
      description:
        "Credits this request spends when the key has a usage limit (default 1; 0 spends none). Spent only by a request every other check allowed.",
    }),
  })
  .meta({ id: "VerifyKey" });

export const verifyKeyResultSchema = z
  .object({
    valid: z.boolean(),
    code: z.enum(VERDICT_CODES).meta({
      description: "`valid`, or the refusal code the app's own routes answer for that request.",
    }),
    keyId: z.uuid().nullable(),
    organizationId: z.uuid().nullable(),
    name: z.string().nullable(),
    scopes: z.array(z.string()),
    environment: z.enum(["live", "test"]).nullable(),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
    rateLimit: z
      .object({
        limit: z.int(),
        remaining: z.int(),
        reset: z.int().meta({ description: "Seconds until the window resets." }),
      })
      .nullable()
      .meta({
        description: "The checked key's rate limit after this request (null when not reached).",
      }),
    credits: z
      .object({
        limit: z.int(),
        remaining: z.int().meta({ description: "Credits left after this request." }),
        refill: z.enum(["never", "daily", "monthly"]),
        refillsAt: z.iso
          .datetime({ offset: true })
          .nullable()
          .meta({ description: "The next refill (UTC midnight), or null when it never refills." }),
      })
      .nullable()
      .meta({
        description:
          "The checked key's credits after this request: null when it has no usage limit, or when the request was refused before its credits were counted.",
      }),
  })
  .meta({ id: "VerifyKeyResult" });

export const verifyUnavailableSchema = z
  .object({ valid: z.literal(false), code: z.literal("verification_unavailable") })
  .meta({ id: "VerifyUnavailable" });
