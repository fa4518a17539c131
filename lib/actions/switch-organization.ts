"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { getMembershipRole } from "@/db/queries/memberships";
import type { ActionResult } from "@/lib/actions/safe-action";
import { getCurrentUser, setActiveOrganization } from "@/lib/auth/session";

const schema = z.object({ organizationId: z.uuid() });

export async function switchOrganization(input: { organizationId: string }): Promise<ActionResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, code: "unauthenticated", error: "Sign in again." };
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { ok: false, code: "invalid_input", error: "Unknown organization." };
  const role = await getMembershipRole(getDb(), parsed.data.organizationId, user.id);
  if (!role) return { ok: false, code: "not_found", error: "Unknown organization." };
  await setActiveOrganization(parsed.data.organizationId);
  return { ok: true, data: null };
}
