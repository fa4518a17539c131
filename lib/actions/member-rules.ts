import type { Tx } from "@/db";
import { insertAuditEvent } from "@/db/queries/audit";
import { lockOwners } from "@/db/queries/memberships";
import type { Role } from "@/db/schema";
import { actorOf } from "@/lib/actions/actor";
import { ActionError } from "@/lib/actions/safe-action";
import type { OrgContext } from "@/lib/auth/session";

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
  const owners = await lockOwners(tx, organizationId);
  if (owners.includes(userId) && owners.length <= 1) {
    throw new ActionError("conflict", "An organization needs at least one owner.");
  }
}

export type MemberEvent = "member.added" | "member.role_changed" | "member.removed";

/** The audit row of a membership change, written in the transaction that makes it. */
export async function auditMemberChange(
  tx: Tx,
  ctx: OrgContext,
  action: MemberEvent,
  member: { userId: string; name: string; email: string },
  roles: { from: Role | null; to: Role | null },
): Promise<void> {
  const actor = actorOf(ctx);
  const { userId, name, email } = member;
  await insertAuditEvent(tx, {
    organizationId: ctx.organizationId,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action,
    metadata: { userId, name, email, fromRole: roles.from, toRole: roles.to },
  });
}
