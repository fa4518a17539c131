import { and, asc, eq } from "drizzle-orm";
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

/**
 * Refuses to leave the organization without an owner. Call inside the changing transaction: the
 * org's owner rows stay locked until it commits, so two owners demoting each other at once are
 * serialized and the second sees the first's change (a plain count would let both pass).
 */
export async function assertOwnerRemains(tx: Tx, organizationId: string, userId: string) {
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, "owner")))
    .orderBy(asc(memberships.userId))
    .for("update");
  if (owners.some((o) => o.userId === userId) && owners.length <= 1) {
    throw new ActionError("conflict", "An organization needs at least one owner.");
  }
}
