"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { createOrganizationWithOwner } from "@/db/queries/organizations";
import { organizationNameSchema } from "@/lib/accounts/schemas";
import { ActionError, userAction } from "@/lib/actions/safe-action";
import { setActiveOrganization } from "@/lib/auth/active-org";
import { consumeAccountWrite, TOO_MANY_ACCOUNT_WRITES } from "@/lib/rate-limit/accounts";

const schema = z.object({ name: organizationNameSchema });

/** Creates an organization owned by the signed-in user and switches to it. */
export const createOrganization = userAction({ schema }, async (input, user) => {
  if (!(await consumeAccountWrite("create_org"))) {
    throw new ActionError("forbidden", TOO_MANY_ACCOUNT_WRITES);
  }
  const orgId = await createOrganizationWithOwner(getDb(), input.name, user.id);
  await setActiveOrganization(orgId);
  redirect("/");
});
