"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { getMember, updateMembershipRole } from "@/db/queries/memberships";
import { roleSchema } from "@/lib/accounts/schemas";
import { assertMayAssign, assertOwnerRemains, auditMemberChange } from "@/lib/actions/member-rules";
import { ActionError, ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";

const schema = z.object({ userId: z.uuid("Unknown member."), role: roleSchema });

export const changeMemberRole = orgAction({ schema, roles: MANAGER_ROLES }, async (input, ctx) => {
  const changed = await getDb().transaction(async (tx) => {
    const member = await getMember(tx, ctx.organizationId, input.userId);
    if (!member) throw new ActionError("not_found", "This person is not a member.");
    assertMayAssign(ctx, member.role, input.role);
    if (member.role === input.role) return false;
    if (input.role !== "owner") await assertOwnerRemains(tx, ctx.organizationId, input.userId);
    await updateMembershipRole(tx, ctx.organizationId, input.userId, input.role);
    await auditMemberChange(tx, ctx, "member.role_changed", member, {
      from: member.role,
      to: input.role,
    });
    return true;
  });
  revalidatePath("/settings/members");
  if (changed) revalidatePath("/settings/audit-log");
  return ok(null, "Role updated.");
});
