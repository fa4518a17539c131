"use server";

import { signOutAndRedirect } from "@/lib/auth";

export async function signOut(): Promise<void> {
  await signOutAndRedirect();
}
