"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { actorOf, keyService, revalidateKeyPages } from "@/lib/actions/key-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { keyDescriptionSchema, keyNameSchema } from "@/lib/keys/schemas";
import { updateKey } from "@/lib/keys/service";
import { MANAGER_ROLES } from "@/lib/session";

const schema = z.object({
  id: z.uuid("Unknown key."),
  name: keyNameSchema,
  description: keyDescriptionSchema,
});

export const updateApiKey = orgAction({ schema, roles: MANAGER_ROLES }, async (input, ctx) => {
  const { id, ...patch } = input;
  const result = await keyService(() => updateKey(getDb(), actorOf(ctx), id, patch));
  revalidateKeyPages();
  return ok(null, result.changed ? "Key updated." : "Nothing to change.");
});
