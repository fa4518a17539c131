"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { createOrganizationWithOwner } from "@/db/queries/organizations";
import { organizationNameSchema } from "@/lib/accounts/schemas";
import { type ActionResult, formDataToObject, invalidInput } from "@/lib/actions/safe-action";
import { getCurrentUser, setActiveOrganization } from "@/lib/auth/session";

const schema = z.object({ name: organizationNameSchema });

/** Creates an organization owned by the signed-in user and switches to it. */
export async function createOrganization(_prev: unknown, form: FormData): Promise<ActionResult> {
  const user = await getCurrentUser();
  if (!user)
    return { ok: false, code: "unauthenticated", error: "Your session has ended. Sign in again." };
  const parsed = schema.safeParse(formDataToObject(form));
  if (!parsed.success) return invalidInput(parsed.error, form);
  const orgId = await createOrganizationWithOwner(getDb(), parsed.data.name, user.id);
  await setActiveOrganization(orgId);
  redirect("/");
}
