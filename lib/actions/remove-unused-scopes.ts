"use server";

import { getDb } from "@/db";
import { getKey } from "@/db/queries/api-keys";
import { scopesUsed } from "@/db/queries/scope-usage";
import { actorOf } from "@/lib/actions/actor";
import { revalidateKeyPages, runKeyService } from "@/lib/actions/key-status-action";
import { ActionError, ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { keyIdSchema } from "@/lib/keys/schemas";
import { updateKey } from "@/lib/keys/service";
import type { Scope } from "@/lib/scopes";

/** Narrows a key to the scopes its requests needed in the last 30 days (read on the server). */
export const removeUnusedScopes = orgAction(
  { schema: keyIdSchema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    const db = getDb();
    const key = await getKey(db, ctx.organizationId, input.id);
    if (!key) throw new ActionError("not_found", "This key does not exist.");
    const used = new Set(await scopesUsed(db, ctx.organizationId, key.id));
    const keep = key.scopes.filter((s) => used.has(s)) as Scope[];
    if (keep.length === 0) {
      throw new ActionError(
        "conflict",
        "None of this key's scopes was used in 30 days; a key needs at least one. Disable or revoke it instead.",
      );
    }
    if (keep.length === key.scopes.length) return ok(null, "Every scope of this key is in use.");
    await runKeyService(() => updateKey(db, actorOf(ctx), key.id, { scopes: keep }));
    revalidateKeyPages();
    const removed = key.scopes.length - keep.length;
    return ok(null, `Removed ${removed} unused scope${removed === 1 ? "" : "s"}.`);
  },
);
