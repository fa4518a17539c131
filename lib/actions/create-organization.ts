"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { memberships, organizations } from "@/db/schema";
import { userAction } from "@/lib/actions/safe-action";
import { ACTIVE_ORG_COOKIE } from "@/lib/session";
import { organizationNameSchema } from "@/lib/validation";

const schema = z.object({ name: organizationNameSchema });

/** Creates an organization owned by the signed-in user and switches to it. */
export const createOrganization = userAction({ schema }, async (input, user) => {
  const orgId = await getDb().transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({ name: input.name })
      .returning({ id: organizations.id });
    if (!org) throw new Error("insert returned no row");
    await tx.insert(memberships).values({ organizationId: org.id, userId: user.id, role: "owner" });
    return org.id;
  });
  (await cookies()).set(ACTIVE_ORG_COOKIE, orgId, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
  });
  redirect("/");
});
