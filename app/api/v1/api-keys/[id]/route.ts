import { getDb } from "@/db";
import { getKey } from "@/db/queries/api-keys";
import { scopesUsed } from "@/db/queries/scope-usage";
import { parseJsonBody } from "@/lib/api/body";
import { methodsNotAllowed } from "@/lib/api/methods";
import { json, keyActor, keyIdOf, notFound, serviceCall, toApiKey } from "@/lib/api/route-helpers";
import { updateApiKeyBody } from "@/lib/api/schemas";
import { changeKeyStatus } from "@/lib/keys/service/status";
import { updateKey } from "@/lib/keys/service/update";
import { withApiKey } from "@/lib/verify/with-api-key";

type Params = { id: string };

export const GET = withApiKey<Params>(
  async (_request, { organization, params }) => {
    const id = keyIdOf(params);
    const row = id ? await getKey(getDb(), organization.id, id) : null;
    if (!row) return notFound();
    return json({
      ...toApiKey(row),
      scopesUsed: await scopesUsed(getDb(), organization.id, row.id),
    });
  },
  { scopes: ["api_keys:read"] },
);

export const PATCH = withApiKey<Params>(
  async (request, ctx) => {
    const id = keyIdOf(ctx.params);
    if (!id) return notFound();
    const body = await parseJsonBody(request, updateApiKeyBody);
    if (!body.ok) return body.response;
    // Which keys this key may change, and how, is decided on the locked row (lib/keys/service/).
    const actor = await keyActor(ctx);
    const result = await serviceCall(() => updateKey(getDb(), actor, id, body.data));
    if (!result.ok) return result.response;
    const row = await getKey(getDb(), ctx.organization.id, id);
    if (!row) return notFound();
    const { webhookSecret } = result.data;
    return json({ ...toApiKey(row), ...(webhookSecret ? { webhookSecret } : {}) });
  },
  { scopes: ["api_keys:write"] },
);

/** Revokes the key. Revoking a revoked key is not an error: the result is the same. */
export const DELETE = withApiKey<Params>(
  async (_request, ctx) => {
    const id = keyIdOf(ctx.params);
    if (!id) return notFound();
    const actor = await keyActor(ctx);
    const result = await serviceCall(() => changeKeyStatus(getDb(), actor, [id], "revoke"));
    if (!result.ok) return result.response;
    const row = await getKey(getDb(), ctx.organization.id, id);
    return row ? json(toApiKey(row)) : notFound();
  },
  { scopes: ["api_keys:write"] },
);

export const { POST, PUT } = methodsNotAllowed("GET", "PATCH", "DELETE");
