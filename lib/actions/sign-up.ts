"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { createUserWithOrganization, findUserByEmail } from "@/db/queries/users";
import { signUpSchema } from "@/lib/accounts/schemas";
import type { ActionResult } from "@/lib/actions/safe-action";
import { formDataToObject, formValues, invalidInput } from "@/lib/actions/safe-action";
import { signInWithPassword } from "@/lib/auth/auth-js";
import { hashPassword } from "@/lib/auth/password";

export async function signUp(_prev: unknown, form: FormData): Promise<ActionResult> {
  const values = formValues(form);
  const parsed = signUpSchema.safeParse(formDataToObject(form));
  if (!parsed.success) return invalidInput(parsed.error, form);
  const emailTaken: ActionResult = {
    ok: false,
    code: "conflict",
    error: "Check the highlighted fields.",
    fieldErrors: { email: ["An account with this email already exists."] },
    values,
  };
  const { name, email, password, organization } = parsed.data;
  const db = getDb();
  if (await findUserByEmail(db, email)) return emailTaken;

  const passwordHash = await hashPassword(password);
  try {
    await createUserWithOrganization(db, {
      name,
      email,
      passwordHash,
      organizationName: organization,
    });
  } catch (error) {
    if (isUniqueViolation(error)) return emailTaken;
    throw error;
  }

  const signedIn = await signInWithPassword(email, password);
  if (!signedIn.ok) redirect("/sign-in");
  redirect("/");
}
