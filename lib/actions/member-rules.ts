import { and, count, eq } from "drizzle-orm";
import type { Tx } from "@/db";
import { memberships, type Role } from "@/db/schema";
import { ActionError } from "@/lib/actions/safe-action";
import type { OrgContext } from "@/lib/session";

/** Only owners may create, change or remove owners. */
export function assertMayAssign(ctx: OrgContext, from: Role | null, to: Role | null): void {
  if (ctx.role !== "owner" && (from === "owner" || to === "owner")) {
    throw new ActionError("forbidden", "Only an owner can add, change or remove owners.");
  }
}

/** Refuses to leave the organization without an owner. Call inside the changing transaction. */
export async function assertOwnerRemains(tx: Tx, organizationId: string, userId: string) {
  const [row] = await tx
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, "owner")));
  const [target] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .for("update");
  if (target?.role === "owner" && (row?.n ?? 0) <= 1) {
    throw new ActionError("conflict", "An organization needs at least one owner.");
  }
}
