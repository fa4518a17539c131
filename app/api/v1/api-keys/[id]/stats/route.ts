import { getDb } from "@/db";
import { getKey } from "@/db/queries/api-keys";
import { keyStats } from "@/db/queries/usage-stats";
import { methodsNotAllowed } from "@/lib/api/methods";
import { json, keyIdOf, notFound, parseQuery } from "@/lib/api/route-helpers";
import { statsQuery } from "@/lib/api/schemas";
import { withApiKey } from "@/lib/verify/with-api-key";

export const GET = withApiKey<{ id: string }>(
  async (request, { organization, params }) => {
    const id = keyIdOf(params);
    if (!id || !(await getKey(getDb(), organization.id, id))) return notFound();
    const query = parseQuery(request, statsQuery);
    if (!query.ok) return query.response;
    return json(await keyStats(getDb(), organization.id, id, query.data.period));
  },
  { scopes: ["api_keys:read"] },
);

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
