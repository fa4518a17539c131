import { getDb } from "@/db";
import { createCustomer, listCustomers } from "@/db/queries/customers";
import { parseJsonBody } from "@/lib/api/body";
import { encodeCursor } from "@/lib/api/cursor";
import { methodsNotAllowed } from "@/lib/api/methods";
import { createCustomerBody, customersQuery } from "@/lib/api/public-schemas";
import { parseQuery } from "@/lib/api/route-helpers";
import { withApiKey } from "@/lib/verify/with-api-key";

/** The organization's customers, newest first, with cursor pagination. */
export const GET = withApiKey(
  async (request, { organization }) => {
    const query = parseQuery(request, customersQuery);
    if (!query.ok) return query.response;
    const position = query.data.cursor;
    const { rows, next } = await listCustomers(getDb(), organization.id, {
      limit: query.data.limit ?? 50,
      after: position ? { t: position.t, id: position.i } : null,
    });
    return Response.json({
      data: rows,
      nextCursor: next ? encodeCursor({ t: next.t, i: next.id }) : null,
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

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");
