"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { getDb } from "@/db";
import { getMembershipRole } from "@/db/queries/memberships";
import { ActionError, ok, userAction } from "@/lib/actions/safe-action";
import { ACTIVE_ORG_COOKIE } from "@/lib/session";

const schema = z.object({ organizationId: z.uuid("Unknown organization.") });

export const switchOrganization = userAction({ schema }, async (input, user) => {
  const role = await getMembershipRole(getDb(), input.organizationId, user.id);
  if (!role) throw new ActionError("not_found", "Unknown organization.");
  (await cookies()).set(ACTIVE_ORG_COOKIE, input.organizationId, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: process.env.NODE_ENV === "production" && process.env.AUTH_URL?.startsWith("https:"),
    maxAge: 60 * 60 * 24 * 365,
  });
  return ok(null);
});
