"use server";

import { getDb } from "@/db";
import { actorOf, keyService, revalidateKeyPages, singleChange } from "@/lib/actions/key-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { keyIdSchema } from "@/lib/keys/schemas";
import { changeKeyStatus } from "@/lib/keys/service";
import { MANAGER_ROLES } from "@/lib/session";

export const disableApiKey = orgAction(
  { schema: keyIdSchema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    const result = await keyService(() =>
      changeKeyStatus(getDb(), actorOf(ctx), [input.id], "disable"),
    );
    const message = singleChange(result, "was disabled");
    revalidateKeyPages();
    return ok(null, message);
  },
);
