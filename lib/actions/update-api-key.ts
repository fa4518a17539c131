"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { actorOf } from "@/lib/actions/actor";
import { revalidateKeyPages, runKeyService } from "@/lib/actions/key-status-action";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { keyDescriptionSchema, keyNameSchema } from "@/lib/keys/schemas";
import { updateKey } from "@/lib/keys/service";

const schema = z.object({
  id: z.uuid("Unknown key."),
  name: keyNameSchema,
  description: keyDescriptionSchema,
});

export const updateApiKey = orgAction({ schema, roles: MANAGER_ROLES }, async (input, ctx) => {
  const { id, ...patch } = input;
  const result = await runKeyService(() => updateKey(getDb(), actorOf(ctx), id, patch));
  revalidateKeyPages();
  return ok(null, result.changed ? "Key updated." : "Nothing to change.");
});
