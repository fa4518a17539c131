"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { getMembershipRole } from "@/db/queries/memberships";
import { ActionError, ok, userAction } from "@/lib/actions/safe-action";
import { setActiveOrganization } from "@/lib/auth/active-org";

const schema = z.object({
  organizationId: z.uuid("Unknown organization."),
  // The organization picker opens the overview of the organization chosen; the switcher stays.
  redirectTo: z.literal("/").optional(),
});

export const switchOrganization = userAction({ schema }, async (input, user) => {
  const role = await getMembershipRole(getDb(), input.organizationId, user.id);
  if (!role) throw new ActionError("not_found", "You are not a member of that organization.");
  await setActiveOrganization(input.organizationId);
  if (input.redirectTo) redirect(input.redirectTo);
  return ok(null);
});
