import { z } from "zod";
import { getDb } from "@/db";
import { createCustomer, listCustomers } from "@/db/queries/customers";
import { parseJsonBody } from "@/lib/api/body";
import { decodeCursor, encodeCursor, pageLimit } from "@/lib/api/cursor";
import { problem } from "@/lib/api/problem";
import { withApiKey } from "@/lib/verify/with-api-key";

const createCustomerSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(200),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid email address.")),
});

/** The organization's customers, newest first, with cursor pagination. */
export const GET = withApiKey(
  async (request, { organization }) => {
    const params = request.nextUrl.searchParams;
    const cursorParam = params.get("cursor");
    const after = cursorParam ? decodeCursor(cursorParam) : null;
    if (cursorParam && !after) return problem(400, "validation_failed", "Invalid cursor.");
    const { rows, hasMore } = await listCustomers(getDb(), organization.id, {
      limit: pageLimit(params.get("limit")),
      after,
    });
    const last = rows.at(-1);
    return Response.json({
      data: rows,
      nextCursor: hasMore && last ? encodeCursor(last) : null,
    });
  },
  { scopes: ["customers:read"] },
);

export const POST = withApiKey(
  async (request, { organization }) => {
    const body = await parseJsonBody(request, createCustomerSchema);
    if (!body.ok) return body.response;
    const created = await createCustomer(getDb(), organization.id, body.data);
    return Response.json(created, { status: 201 });
  },
  { scopes: ["customers:write"] },
);
