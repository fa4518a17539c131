import { and, desc, eq, lt, or } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db";
import { customers } from "@/db/schema";
import { parseJsonBody } from "@/lib/api/body";
import { decodeCursor, encodeCursor } from "@/lib/api/cursor";
import { methodsNotAllowed } from "@/lib/api/methods";
import { plainText } from "@/lib/validation";
import { problem } from "@/lib/verify/problem";
import { withApiKey } from "@/lib/verify/with-api-key";

const customerColumns = {
  id: customers.id,
  name: customers.name,
  email: customers.email,
  createdAt: customers.createdAt,
};

// Strict: a field the API does not know (say, organizationId) is an error, not silently dropped.
const createCustomerSchema = z.strictObject({
  name: plainText(z.string().trim().min(1, "Enter a name.").max(200)),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid email address.")),
});

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .optional()
    .transform((token, ctx) => {
      if (token === undefined) return null;
      const cursor = decodeCursor(token);
      if (!cursor) ctx.addIssue({ code: "custom", message: "Invalid cursor." });
      return cursor;
    }),
});

/** The organization's customers, newest first, with cursor pagination. */
export const GET = withApiKey(
  async (request, { organization }) => {
    const query = listQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
    if (!query.success) {
      return problem(400, "validation_failed", "The query string is not valid.", {
        extra: {
          errors: query.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        },
      });
    }
    const { limit, cursor } = query.data;
    const rows = await getDb()
      .select(customerColumns)
      .from(customers)
      .where(
        and(
          eq(customers.organizationId, organization.id),
          cursor
            ? or(
                lt(customers.createdAt, cursor.createdAt),
                and(eq(customers.createdAt, cursor.createdAt), lt(customers.id, cursor.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(customers.createdAt), desc(customers.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return Response.json({
      data: page,
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    });
  },
  { scopes: ["customers:read"] },
);

export const POST = withApiKey(
  async (request, { organization }) => {
    const body = await parseJsonBody(request, createCustomerSchema);
    if (!body.ok) return body.response;
    const [created] = await getDb()
      .insert(customers)
      .values({ organizationId: organization.id, ...body.data })
      .returning(customerColumns);
    return Response.json(created, { status: 201 });
  },
  { scopes: ["customers:write"] },
);

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");
