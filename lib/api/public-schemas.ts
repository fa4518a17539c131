/** Shapes of the public demo routes and key verification, shared by handlers and the document. */
import { z } from "zod";
import { plainText } from "@/lib/input";
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

export const verifyKeyBody = z.strictObject({ key: z.string().max(256) }).meta({ id: "VerifyKey" });

export const verifyKeyResultSchema = z
  .object({
    valid: z.boolean(),
    code: z.string().meta({ description: "`valid`, or the refusal code the key would get." }),
    keyId: z.uuid().nullable(),
    organizationId: z.uuid().nullable(),
    scopes: z.array(z.string()),
    environment: z.enum(["live", "test"]).nullable(),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: "VerifyKeyResult" });
