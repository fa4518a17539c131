"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { deleteMembership, getMember } from "@/db/queries/memberships";
import { endSessionsIfOrphaned } from "@/db/queries/users";
import { assertMayAssign, assertOwnerRemains, auditMemberChange } from "@/lib/actions/member-rules";
import { ActionError, ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";

const schema = z.object({ userId: z.uuid("Unknown member.") });

export const removeMember = orgAction({ schema, roles: MANAGER_ROLES }, async (input, ctx) => {
  await getDb().transaction(async (tx) => {
    const member = await getMember(tx, ctx.organizationId, input.userId);
    if (!member) throw new ActionError("not_found", "This person is not a member.");
    assertMayAssign(ctx, member.role, null);
    await assertOwnerRemains(tx, ctx.organizationId, input.userId);
    await deleteMembership(tx, ctx.organizationId, input.userId);
    await endSessionsIfOrphaned(tx, input.userId);
    await auditMemberChange(tx, ctx, "member.removed", member, { from: member.role, to: null });
  });
  revalidatePath("/settings/members");
  revalidatePath("/settings/audit-log");
  return ok(null, "Member removed.");
});
