"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { actorOf } from "@/lib/actions/key-helpers";
import { type ActionResult, ok, orgAction } from "@/lib/actions/safe-action";
import { keyPolicyFormSchema } from "@/lib/keys/policy";
import { updateKeyPolicy as savePolicy } from "@/lib/keys/service";
import { MANAGER_ROLES } from "@/lib/session";

const save = orgAction(
  { schema: keyPolicyFormSchema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    const { changed } = await savePolicy(getDb(), actorOf(ctx), input);
    revalidatePath("/settings", "layout");
    return ok(null, changed ? "Key policy saved." : "Nothing to change.");
  },
);

/** The policy form's action, `(previous state, form)` so it works before hydration too. */
export async function updateKeyPolicy(
  _previous: ActionResult | null,
  form: FormData,
): Promise<ActionResult> {
  return save(form);
}
