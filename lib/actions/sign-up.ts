"use server";

import { eq, sql } from "drizzle-orm";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { memberships, organizations, users } from "@/db/schema";
import { consumeAccountWrite, TOO_MANY_ACCOUNT_WRITES } from "@/lib/account-throttle";
import type { ActionResult } from "@/lib/actions/safe-action";
import { formDataToObject, formValues, invalidInput } from "@/lib/actions/safe-action";
import { signInWithPassword } from "@/lib/auth";
import { hashPassword } from "@/lib/password";
import { signUpSchema } from "@/lib/validation";

export async function signUp(_prev: unknown, form: FormData): Promise<ActionResult> {
  const values = formValues(form);
  const parsed = signUpSchema.safeParse(formDataToObject(form));
  if (!parsed.success) return invalidInput(parsed.error, form);
  if (!(await consumeAccountWrite("sign_up"))) {
    return { ok: false, code: "forbidden", error: TOO_MANY_ACCOUNT_WRITES, values };
  }
  const emailTaken: ActionResult = {
    ok: false,
    code: "conflict",
    error: "Check the highlighted fields.",
    fieldErrors: { email: ["An account with this email already exists."] },
    values,
  };
  const { name, email, password, organization } = parsed.data;
  const db = getDb();
  const [existing] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(sql`lower(${users.email})`, email))
    .limit(1);
  if (existing) return emailTaken;

  const passwordHash = await hashPassword(password);
  try {
    await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ name, email, passwordHash })
        .returning({ id: users.id });
      const [org] = await tx
        .insert(organizations)
        .values({ name: organization })
        .returning({ id: organizations.id });
      if (!user || !org) throw new Error("insert returned no row");
      await tx
        .insert(memberships)
        .values({ organizationId: org.id, userId: user.id, role: "owner" });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return emailTaken;
    throw error;
  }

  const signedIn = await signInWithPassword(email, password);
  if (!signedIn.ok) redirect("/sign-in");
  redirect("/");
}
