"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { setOrganizationName } from "@/db/queries/organizations";
import { organizationNameSchema } from "@/lib/accounts/schemas";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";

const schema = z.object({ name: organizationNameSchema });

export const renameOrganization = orgAction(
  { schema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    await setOrganizationName(getDb(), ctx.organizationId, input.name);
    revalidatePath("/", "layout");
    return ok(null, "Organization renamed.");
  },
);
