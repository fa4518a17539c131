import { getDb } from "@/db";
import { keyWebhook, listDeliveries } from "@/db/queries/webhooks";
import { methodsNotAllowed } from "@/lib/api/methods";
import { json, keyIdOf, notFound, parseQuery } from "@/lib/api/route-helpers";
import { withApiKey } from "@/lib/verify/with-api-key";
import { serializeDelivery, webhookDeliveriesQuerySchema } from "@/lib/webhooks/schemas";

/** The key's webhook delivery log (30 days), newest first. */
export const GET = withApiKey<{ id: string }>(
  async (request, { organization, params }) => {
    const id = keyIdOf(params);
    if (!id) return notFound();
    const query = parseQuery(request, webhookDeliveriesQuerySchema);
    if (!query.ok) return query.response;
    const db = getDb();
    if (!(await keyWebhook(db, organization.id, id))) return notFound();
    const rows = await listDeliveries(db, organization.id, id, query.data.limit);
    return json({ data: rows.map(serializeDelivery) });
  },
  { scopes: ["api_keys:read"] },
);

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
