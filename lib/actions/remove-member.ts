"use server";

import { and, eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { getMembershipRole } from "@/db/queries/memberships";
import { endSessionsIfOrphaned } from "@/db/queries/users";
import { memberships } from "@/db/schema";
import { assertMayAssign, assertOwnerRemains } from "@/lib/actions/member-rules";
import { ActionError, ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/session";

const schema = z.object({ userId: z.uuid("Unknown member.") });

export const removeMember = orgAction({ schema, roles: MANAGER_ROLES }, async (input, ctx) => {
  await getDb().transaction(async (tx) => {
    const current = await getMembershipRole(tx, ctx.organizationId, input.userId);
    if (!current) throw new ActionError("not_found", "This person is not a member.");
    assertMayAssign(ctx, current, null);
    await assertOwnerRemains(tx, ctx.organizationId, input.userId);
    await tx
      .delete(memberships)
      .where(
        and(
          eq(memberships.organizationId, ctx.organizationId),
          eq(memberships.userId, input.userId),
        ),
      );
    await endSessionsIfOrphaned(tx, input.userId);
  });
  revalidatePath("/settings/members");
  return ok(null, "Member removed.");
});
