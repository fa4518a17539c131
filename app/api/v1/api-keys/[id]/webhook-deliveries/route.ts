import { z } from "zod";
import { getDb } from "@/db";
import { keyWebhook, listDeliveries } from "@/db/queries/webhooks";
import { problem } from "@/lib/api/problem";
import { withApiKey } from "@/lib/verify/with-api-key";
import { serializeDelivery, webhookDeliveriesQuerySchema } from "@/lib/webhooks/schemas";

/** The key's webhook delivery log (30 days), newest first. */
export const GET = withApiKey<{ id: string }>(
  async (request, { organization, params }) => {
    if (!z.uuid().safeParse(params.id).success) {
      return problem(404, "not_found", "No API key with this id.");
    }
    const query = webhookDeliveriesQuerySchema.safeParse(
      Object.fromEntries(request.nextUrl.searchParams),
    );
    if (!query.success) {
      return problem(400, "validation_failed", "limit must be a whole number from 1 to 100.");
    }
    const db = getDb();
    if (!(await keyWebhook(db, organization.id, params.id))) {
      return problem(404, "not_found", "No API key with this id.");
    }
    const rows = await listDeliveries(db, organization.id, params.id, query.data.limit);
    return Response.json(
      { data: rows.map(serializeDelivery) },
      { headers: { "cache-control": "no-store" } },
    );
  },
  { scopes: ["api_keys:read"] },
);
