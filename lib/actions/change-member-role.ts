"use server";

import { and, eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { getMembershipRole } from "@/db/queries/memberships";
import { memberships } from "@/db/schema";
import { assertMayAssign, assertOwnerRemains } from "@/lib/actions/member-rules";
import { ActionError, ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/session";
import { roleSchema } from "@/lib/validation";

const schema = z.object({ userId: z.uuid("Unknown member."), role: roleSchema });

export const changeMemberRole = orgAction({ schema, roles: MANAGER_ROLES }, async (input, ctx) => {
  await getDb().transaction(async (tx) => {
    const current = await getMembershipRole(tx, ctx.organizationId, input.userId);
    if (!current) throw new ActionError("not_found", "This person is not a member.");
    assertMayAssign(ctx, current, input.role);
    if (input.role !== "owner") await assertOwnerRemains(tx, ctx.organizationId, input.userId);
    await tx
      .update(memberships)
      .set({ role: input.role })
      .where(
        and(
          eq(memberships.organizationId, ctx.organizationId),
          eq(memberships.userId, input.userId),
        ),
      );
  });
  revalidatePath("/settings/members");
  return ok(null, "Role updated.");
});
