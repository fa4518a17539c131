"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { actorOf } from "@/lib/actions/actor";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { keyPolicyFormSchema } from "@/lib/keys/policy";
import { updateKeyPolicy as savePolicy } from "@/lib/keys/service/policy";

/** Saves the organization's key policy (owners and admins), with an audit row. */
export const updateKeyPolicy = orgAction(
  { schema: keyPolicyFormSchema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    const { changed } = await savePolicy(getDb(), actorOf(ctx), input);
    revalidatePath("/settings", "layout");
    return ok(null, changed ? "Key policy saved." : "Nothing to change.");
  },
);
