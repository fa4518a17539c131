"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { memberships, organizations } from "@/db/schema";
import { consumeAccountWrite, TOO_MANY_ACCOUNT_WRITES } from "@/lib/account-throttle";
import { type ActionResult, formDataToObject, invalidInput } from "@/lib/actions/safe-action";
import { ACTIVE_ORG_COOKIE, getCurrentUser } from "@/lib/session";
import { organizationNameSchema } from "@/lib/validation";

const schema = z.object({ name: organizationNameSchema });

/** Creates an organization owned by the signed-in user and switches to it. */
export async function createOrganization(_prev: unknown, form: FormData): Promise<ActionResult> {
  const user = await getCurrentUser();
  if (!user)
    return { ok: false, code: "unauthenticated", error: "Your session has ended. Sign in again." };
  const parsed = schema.safeParse(formDataToObject(form));
  if (!parsed.success) return invalidInput(parsed.error, form);
  if (!(await consumeAccountWrite("create_org"))) {
    return { ok: false, code: "forbidden", error: TOO_MANY_ACCOUNT_WRITES };
  }
  const orgId = await getDb().transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({ name: parsed.data.name })
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
}
