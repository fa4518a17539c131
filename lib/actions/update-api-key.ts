"use server";

import { getDb } from "@/db";
import { actorOf } from "@/lib/actions/actor";
import { revalidateKeyPages, runKeyService } from "@/lib/actions/key-action-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { updateKeyFormSchema } from "@/lib/keys/schemas";
import { updateKey } from "@/lib/keys/service/update";

/**
 * Saves a key's settings form (also usable straight from useActionState, so the form works
 * before hydration); the key id is checked against the caller's organization by the key service.
 */
export const updateApiKey = orgAction(
  { schema: updateKeyFormSchema, roles: MANAGER_ROLES },
  async ({ id, ...patch }, ctx) => {
    const result = await runKeyService(() => updateKey(getDb(), actorOf(ctx), id, patch));
    revalidateKeyPages();
    return ok(null, result.changed ? "Changes saved." : "Nothing to change.");
  },
);
