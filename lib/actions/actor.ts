import type { OrgContext } from "@/lib/auth/session";
import type { Actor } from "@/lib/keys/service/audit";

/** Who the audit trail names for a change made from the settings pages. */
export function actorOf(ctx: OrgContext): Actor {
  return {
    organizationId: ctx.organizationId,
    userId: ctx.user.id,
    label: `${ctx.user.name} <${ctx.user.email}>`,
  };
}
