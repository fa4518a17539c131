"use server";

import { signOutAndRedirect } from "@/lib/auth/auth-js";

export async function signOut(): Promise<void> {
  await signOutAndRedirect();
}
