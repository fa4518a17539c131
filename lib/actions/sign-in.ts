"use server";

import { redirect } from "next/navigation";
import { signInSchema } from "@/lib/accounts/schemas";
import type { ActionResult } from "@/lib/actions/safe-action";
import { formDataToObject, formValues, invalidInput } from "@/lib/actions/safe-action";
import { signInWithPassword } from "@/lib/auth/auth-js";

export async function signIn(_prev: unknown, form: FormData): Promise<ActionResult> {
  const parsed = signInSchema.safeParse(formDataToObject(form));
  if (!parsed.success) return invalidInput(parsed.error, form);
  const result = await signInWithPassword(parsed.data.email, parsed.data.password);
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
          values: formValues(form),
        };
  }
  redirect("/");
}
