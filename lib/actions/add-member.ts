"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { getMembershipRole, insertMembership } from "@/db/queries/memberships";
import { findUserByEmail } from "@/db/queries/users";
import { emailSchema, roleSchema } from "@/lib/accounts/schemas";
import { assertMayAssign, auditMemberChange } from "@/lib/actions/member-rules";
import { ActionError, ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { consumeMemberAdd, TOO_MANY_MEMBER_ADDS } from "@/lib/rate-limit/accounts";

const schema = z.object({ email: emailSchema, role: roleSchema });

const alreadyMember = () =>
  new ActionError("conflict", "Check the highlighted fields.", {
    email: ["This user is already a member."],
  });

export const addMember = orgAction({ schema, roles: MANAGER_ROLES }, async (input, ctx) => {
  assertMayAssign(ctx, null, input.role);
  if (!(await consumeMemberAdd(ctx.user.id))) {
    throw new ActionError("forbidden", "Check the highlighted fields.", {
      email: [TOO_MANY_MEMBER_ADDS],
    });
  }
  const db = getDb();
  const user = await findUserByEmail(db, input.email);
  if (!user) {
    throw new ActionError("not_found", "Check the highlighted fields.", {
      email: ["No user with this email. Ask them to sign up first."],
    });
  }
  if (await getMembershipRole(db, ctx.organizationId, user.id)) throw alreadyMember();
  try {
    await db.transaction(async (tx) => {
      await insertMembership(tx, ctx.organizationId, user.id, input.role);
      await auditMemberChange(
        tx,
        ctx,
        "member.added",
        { userId: user.id, name: user.name, email: user.email },
        { from: null, to: input.role },
      );
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyMember();
    throw error;
  }
  revalidatePath("/settings/members");
  revalidatePath("/settings/audit-log");
  return ok(null, `${user.name} was added as ${input.role}.`);
});
