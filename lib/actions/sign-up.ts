"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { createUserWithOrganization, findUserByEmail } from "@/db/queries/users";
import { signUpSchema } from "@/lib/accounts/schemas";
import { ActionError, publicAction } from "@/lib/actions/safe-action";
import { signInWithPassword } from "@/lib/auth/auth-js";
import { hashPassword } from "@/lib/auth/password";
import { consumeAccountWrite, TOO_MANY_ACCOUNT_WRITES } from "@/lib/rate-limit/accounts";

const emailTaken = () =>
  new ActionError("conflict", "Check the highlighted fields.", {
    email: ["An account with this email already exists."],
  });

export const signUp = publicAction({ schema: signUpSchema }, async (input) => {
  const { name, email, password, organization } = input;
  if (!(await consumeAccountWrite("sign_up"))) {
    throw new ActionError("forbidden", TOO_MANY_ACCOUNT_WRITES);
  }
  const db = getDb();
  if (await findUserByEmail(db, email)) throw emailTaken();

  const passwordHash = await hashPassword(password);
  try {
    await createUserWithOrganization(db, {
      name,
      email,
      passwordHash,
      organizationName: organization,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }

  const signedIn = await signInWithPassword(email, password);
  if (!signedIn.ok) redirect("/sign-in");
  redirect("/");
});
