"use server";

import { eq, sql } from "drizzle-orm";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { memberships, organizations, users } from "@/db/schema";
import { ActionError, publicAction } from "@/lib/actions/safe-action";
import { signInWithPassword } from "@/lib/auth";
import { hashPassword } from "@/lib/password";
import { signUpSchema } from "@/lib/validation";

const emailTaken = () =>
  new ActionError("conflict", "Check the highlighted fields.", {
    email: ["An account with this email already exists."],
  });

export const signUp = publicAction({ schema: signUpSchema }, async (input) => {
  const { name, email, password, organization } = input;
  const db = getDb();
  const [existing] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(sql`lower(${users.email})`, email))
    .limit(1);
  if (existing) throw emailTaken();

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
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }

  const signedIn = await signInWithPassword(email, password);
  if (!signedIn.ok) redirect("/sign-in");
  redirect("/");
});
