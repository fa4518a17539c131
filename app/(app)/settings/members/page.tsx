import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { listOrgMembers } from "@/db/queries/memberships";
import { canManage, requireOrgContext } from "@/lib/auth/session";
import { AddMemberForm } from "./_components/add-member-form";
import { MembersTable } from "./_components/members-table";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const ctx = await requireOrgContext();
  const members = await listOrgMembers(getDb(), ctx.organizationId);
  const manage = canManage(ctx.role);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Members</h1>
        <p className="text-sm text-zinc-600">
          Owners and admins manage API keys and members. Members can see keys but not change them.
        </p>
      </div>
      {manage ? (
        <Card className="p-5">
          <h2 className="mb-3 text-base font-semibold">Add a member</h2>
          <AddMemberForm canAssignOwner={ctx.role === "owner"} />
        </Card>
      ) : null}
      <Card>
        <MembersTable
          members={members.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() }))}
          currentUserId={ctx.user.id}
          canManage={manage}
          canManageOwners={ctx.role === "owner"}
        />
      </Card>
    </div>
  );
}
