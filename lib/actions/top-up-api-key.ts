"use server";

import { getDb } from "@/db";
import { actorOf } from "@/lib/actions/actor";
import { revalidateKeyPages, runKeyService } from "@/lib/actions/key-action-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { usageLeftFormSchema } from "@/lib/keys/schemas";
import { updateKey } from "@/lib/keys/service/update";

/**
 * Sets what is left of a key's usage limit in the current period (the key page's "Set usage
 * left" form); the key id is checked against the caller's organization by the key service, and a
 * key without a limit is refused there, on the locked row.
 */
export const topUpApiKey = orgAction(
  { schema: usageLeftFormSchema, roles: MANAGER_ROLES },
  async ({ id, usageRemaining }, ctx) => {
    const result = await runKeyService(() =>
      updateKey(getDb(), actorOf(ctx), id, { usageRemaining }),
    );
    revalidateKeyPages();
    return ok(null, result.changed ? "Usage left saved." : "Nothing to change.");
  },
);
