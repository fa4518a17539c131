"use server";

import { getDb } from "@/db";
import { bumpSessionVersion } from "@/db/queries/users";
import { signOutAndRedirect } from "@/lib/auth/auth-js";
import { getCurrentUser } from "@/lib/auth/session";

/** Ends this session everywhere: the cookie is cleared, and a copy of it stops working too. */
export async function signOut(): Promise<void> {
  const user = await getCurrentUser();
  if (user) await bumpSessionVersion(getDb(), user.id);
  await signOutAndRedirect();
}
