import { getDb } from "@/db";
import { getKey } from "@/db/queries/api-keys";
import { parseJsonBody } from "@/lib/api/body";
import { methodsNotAllowed } from "@/lib/api/methods";
import { json, keyActor, keyIdOf, notFound, serviceCall, toApiKey } from "@/lib/api/route-helpers";
import { rollApiKeyBody } from "@/lib/api/schemas";
import { env } from "@/lib/env";
import { rollKey } from "@/lib/keys/service/roll";
import { withApiKey } from "@/lib/verify/with-api-key";

/** A new key in place of this one; the old key works until the grace period ends. */
export const POST = withApiKey<{ id: string }>(
  async (request, ctx) => {
    const id = keyIdOf(ctx.params);
    if (!id) return notFound();
    const body = await parseJsonBody(request, rollApiKeyBody, { emptyAs: {} });
    if (!body.ok) return body.response;
    const db = getDb();
    const actor = await keyActor(ctx);
    const rolled = await serviceCall(() =>
      rollKey(db, actor, id, body.data.gracePeriod, env().KEY_PREFIX),
    );
    if (!rolled.ok) return rolled.response;
    const [created, previous] = await Promise.all([
      getKey(db, ctx.organization.id, rolled.data.id),
      getKey(db, ctx.organization.id, id),
    ]);
    if (!created || !previous) throw new Error("rolled keys not found");
    return json(
      { key: { ...toApiKey(created), key: rolled.data.key }, previous: toApiKey(previous) },
      201,
    );
  },
  { scopes: ["api_keys:write"] },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
