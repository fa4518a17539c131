import { getDb } from "@/db";
import { createCustomer, listCustomers } from "@/db/queries/customers";
import { parseJsonBody } from "@/lib/api/body";
import { decodeCursor, encodeCursor, pageLimit } from "@/lib/api/cursor";
import { problem } from "@/lib/api/problem";
import { createCustomerBody } from "@/lib/api/public-schemas";
import { withApiKey } from "@/lib/verify/with-api-key";

/** The organization's customers, newest first, with cursor pagination. */
export const GET = withApiKey(
  async (request, { organization }) => {
    const params = request.nextUrl.searchParams;
    const cursorParam = params.get("cursor");
    const position = cursorParam ? decodeCursor(cursorParam) : null;
    if (cursorParam && !position) return problem(400, "validation_failed", "Invalid cursor.");
    const after = position ? { createdAt: new Date(position.t), id: position.i } : null;
    const { rows, hasMore } = await listCustomers(getDb(), organization.id, {
      limit: pageLimit(params.get("limit")),
      after,
    });
    const last = rows.at(-1);
    return Response.json({
      data: rows,
      nextCursor:
        hasMore && last ? encodeCursor({ t: last.createdAt.toISOString(), i: last.id }) : null,
    });
  },
  { scopes: ["customers:read"] },
);

export const POST = withApiKey(
  async (request, { organization }) => {
    const body = await parseJsonBody(request, createCustomerBody);
    if (!body.ok) return body.response;
    const created = await createCustomer(getDb(), organization.id, body.data);
    return Response.json(created, { status: 201 });
  },
  { scopes: ["customers:write"] },
);
