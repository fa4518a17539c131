import { getDb } from "@/db";
import { getKey } from "@/db/queries/api-keys";
import { keyPage } from "@/db/queries/key-pages";
import { parseJsonBody } from "@/lib/api/body";
import { encodeCursor } from "@/lib/api/cursor";
import { methodsNotAllowed } from "@/lib/api/methods";
import { json, keyActor, parseQuery, serviceCall, toApiKey } from "@/lib/api/route-helpers";
import { createApiKeyBody, listApiKeysQuery } from "@/lib/api/schemas";
import { env } from "@/lib/env";
import { createKey } from "@/lib/keys/service/create";
import { withApiKey } from "@/lib/verify/with-api-key";

export const GET = withApiKey(
  async (request, { organization }) => {
    const query = parseQuery(request, listApiKeysQuery);
    if (!query.ok) return query.response;
    const { limit, cursor, ...filters } = query.data;
    const page = await keyPage(getDb(), organization.id, filters, { limit, after: cursor });
    return json({
      data: page.data.map(toApiKey),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    });
  },
  { scopes: ["api_keys:read"] },
);

export const POST = withApiKey(
  async (request, ctx) => {
    const body = await parseJsonBody(request, createApiKeyBody);
    if (!body.ok) return body.response;
    const actor = await keyActor(ctx);
    const created = await serviceCall(() => createKey(getDb(), actor, body.data, env().KEY_PREFIX));
    if (!created.ok) return created.response;
    const row = await getKey(getDb(), ctx.organization.id, created.data.id);
    if (!row) throw new Error("created key not found");
    const { key, webhookSecret } = created.data;
    return json({ ...toApiKey(row), key, ...(webhookSecret ? { webhookSecret } : {}) }, 201);
  },
  { scopes: ["api_keys:write"] },
);

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");
