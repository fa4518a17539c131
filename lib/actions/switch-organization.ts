"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { getMembershipRole } from "@/db/queries/memberships";
import { ActionError, ok, userAction } from "@/lib/actions/safe-action";
import { setActiveOrganization } from "@/lib/auth/session";

const schema = z.object({ organizationId: z.uuid("Unknown organization.") });

export const switchOrganization = userAction({ schema }, async (input, user) => {
  const role = await getMembershipRole(getDb(), input.organizationId, user.id);
  if (!role) throw new ActionError("not_found", "Unknown organization.");
  await setActiveOrganization(input.organizationId);
  return ok(null);
});
