"use server";

import { getDb } from "@/db";
import { actorOf } from "@/lib/actions/actor";
import { revalidateKeyPages, runKeyService } from "@/lib/actions/key-action-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { createKeyFormSchema } from "@/lib/keys/schemas";
import { createKey } from "@/lib/keys/service/create";

/** Creates a key. The full key is in this response only: it is never stored or shown again. */
export const createApiKey = orgAction(
  { schema: createKeyFormSchema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    const created = await runKeyService(() =>
      createKey(getDb(), actorOf(ctx), input, env().KEY_PREFIX),
    );
    revalidateKeyPages();
    return ok(created, `Created “${input.name}”.`);
  },
);
