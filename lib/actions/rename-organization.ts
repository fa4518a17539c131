"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { organizations } from "@/db/schema";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/session";
import { organizationNameSchema } from "@/lib/validation";

const schema = z.object({ name: organizationNameSchema });

export const renameOrganization = orgAction(
  { schema, roles: MANAGER_ROLES },
  async (input, ctx) => {
    await getDb()
      .update(organizations)
      .set({ name: input.name })
      .where(eq(organizations.id, ctx.organizationId));
    revalidatePath("/", "layout");
    return ok(null, "Organization renamed.");
  },
);
