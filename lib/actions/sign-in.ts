"use server";

import { redirect } from "next/navigation";
import { signInSchema } from "@/lib/accounts/schemas";
import { publicAction } from "@/lib/actions/safe-action";
import { signInWithPassword } from "@/lib/auth/auth-js";

export const signIn = publicAction({ schema: signInSchema }, async ({ email, password }) => {
  const result = await signInWithPassword(email, password);
  if (!result.ok) {
    return result.reason === "rate_limited"
      ? {
          ok: false,
          code: "forbidden",
          error: "Too many failed sign-in attempts. Wait a few minutes and try again.",
        }
      : {
          ok: false,
          code: "unauthenticated",
          error: "Invalid email or password",
          values: { email },
        };
  }
  redirect("/");
});
