"use server";

import { eq, sql } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { getMembershipRole } from "@/db/queries/memberships";
import { memberships, users } from "@/db/schema";
import { assertMayAssign } from "@/lib/actions/member-rules";
import { ActionError, ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/session";
import { emailSchema, roleSchema } from "@/lib/validation";

const schema = z.object({ email: emailSchema, role: roleSchema });

export const addMember = orgAction({ schema, roles: MANAGER_ROLES }, async (input, ctx) => {
  assertMayAssign(ctx, null, input.role);
  const db = getDb();
  const [user] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(eq(sql`lower(${users.email})`, input.email))
    .limit(1);
  if (!user) {
    throw new ActionError("not_found", "Check the highlighted fields.", {
      email: ["No user with this email. Ask them to sign up first."],
    });
  }
  if (await getMembershipRole(db, ctx.organizationId, user.id)) {
    throw new ActionError("conflict", "Check the highlighted fields.", {
      email: ["This user is already a member."],
    });
  }
  try {
    await db
      .insert(memberships)
      .values({ organizationId: ctx.organizationId, userId: user.id, role: input.role });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ActionError("conflict", "Check the highlighted fields.", {
        email: ["This user is already a member."],
      });
    }
    throw error;
  }
  revalidatePath("/settings/members");
  return ok(null, `${user.name} was added as ${input.role}.`);
});
