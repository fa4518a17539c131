"use server";

import { getDb } from "@/db";
import { actorOf, bulkMessage, keyService, revalidateKeyPages } from "@/lib/actions/key-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { keyIdsSchema } from "@/lib/keys/schemas";
import { changeKeyStatus } from "@/lib/keys/service";
import { MANAGER_ROLES } from "@/lib/session";

export const bulkDisableApiKeys = orgAction(
  { schema: keyIdsSchema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    const result = await keyService(() =>
      changeKeyStatus(getDb(), actorOf(ctx), input.ids, "disable"),
    );
    revalidateKeyPages();
    return ok(result, bulkMessage(result, "Disabled"));
  },
);
