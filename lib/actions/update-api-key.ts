"use server";

import { getDb } from "@/db";
import { actorOf, keyService, revalidateKeyPages } from "@/lib/actions/key-helpers";
import { type ActionResult, ok, orgAction } from "@/lib/actions/safe-action";
import { updateKeyFormSchema } from "@/lib/keys/schemas";
import { updateKey } from "@/lib/keys/service";
import { MANAGER_ROLES } from "@/lib/session";

const update = orgAction(
  { schema: updateKeyFormSchema, roles: MANAGER_ROLES },
  async ({ id, ...patch }, ctx) => {
    const result = await keyService(() => updateKey(getDb(), actorOf(ctx), id, patch));
    revalidateKeyPages();
    return ok(null, result.changed ? "Changes saved." : "Nothing to change.");
  },
);

/**
 * Saves a key's settings form. Shaped (previous state, form data) for useActionState, so the
 * form also works before the page is hydrated; the key id is checked against the caller's
 * organization by the key service.
 */
export async function updateApiKey(
  _previous: ActionResult | null,
  form: FormData,
): Promise<ActionResult> {
  return update(form);
}
