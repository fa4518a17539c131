import { getDb } from "@/db";
import { auditLogPage } from "@/db/queries/audit";
import { auditRange, toAuditEvent } from "@/lib/api/audit";
import { encodeCursor } from "@/lib/api/cursor";
import { methodsNotAllowed } from "@/lib/api/methods";
import { json, parseQuery } from "@/lib/api/route-helpers";
import { auditLogQuery } from "@/lib/api/schemas";
import { withApiKey } from "@/lib/verify/with-api-key";

export const GET = withApiKey(
  async (request, { organization }) => {
    const query = parseQuery(request, auditLogQuery);
    if (!query.ok) return query.response;
    const { limit, cursor, from, to, ...filters } = query.data;
    const page = await auditLogPage(
      getDb(),
      organization.id,
      { ...filters, ...auditRange(from, to) },
      { limit, after: cursor },
    );
    return json({
      data: page.data.map(toAuditEvent),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    });
  },
  { scopes: ["api_keys:read"] },
);

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
