"use server";

import { getDb } from "@/db";
import { scopesUsed } from "@/db/queries/scope-usage";
import { actorOf } from "@/lib/actions/actor";
import { revalidateKeyPages, runKeyService } from "@/lib/actions/key-action-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { keyIdSchema } from "@/lib/keys/schemas";
import { KeyServiceError } from "@/lib/keys/service/errors";
import { updateKey } from "@/lib/keys/service/update";
import type { Scope } from "@/lib/scopes";

/** Narrows a key to the scopes its requests needed in the last 30 days (read on the server). */
export const removeUnusedScopes = orgAction(
  { schema: keyIdSchema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    const db = getDb();
    const used = new Set(await scopesUsed(db, ctx.organizationId, input.id));
    let removed = 0;
    // The scopes to keep come from the locked row: a scope removed by someone else meanwhile is
    // not written back.
    const result = await runKeyService(() =>
      updateKey(db, actorOf(ctx), input.id, (key) => {
        const keep = key.scopes.filter((s) => used.has(s)) as Scope[];
        if (keep.length === 0) {
          throw new KeyServiceError(
            "invalid_transition",
            "None of this key's scopes was used in 30 days; a key needs at least one. Disable or revoke it instead.",
          );
        }
        removed = key.scopes.length - keep.length;
        return removed === 0 ? {} : { scopes: keep };
      }),
    );
    if (!result.changed) return ok(null, "Every scope of this key is in use.");
    revalidateKeyPages();
    return ok(null, `Removed ${removed} unused scope${removed === 1 ? "" : "s"}.`);
  },
);
