"use client";

import { Button } from "@/components/ui/button";
import { Th, theadClass } from "@/components/ui/table";
import { useAction } from "@/hooks/use-action";
import { changeMemberRole } from "@/lib/actions/change-member-role";
import { removeMember } from "@/lib/actions/remove-member";

type Member = { userId: string; name: string; email: string; role: "owner" | "admin" | "member" };

export function MembersTable(props: {
  members: Member[];
  currentUserId: string;
  canManage: boolean;
  canManageOwners: boolean;
}) {
  return (
    <div className="relative overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className={theadClass}>
          <tr>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Role</Th>
            {props.canManage ? (
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {props.members.map((m) => (
            <MemberRow key={m.userId} member={m} {...props} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MemberRow({
  member,
  currentUserId,
  canManage,
  canManageOwners,
}: {
  member: Member;
  currentUserId: string;
  canManage: boolean;
  canManageOwners: boolean;
}) {
  const changeRole = useAction(changeMemberRole);
  const remove = useAction(removeMember);
  const pending = changeRole.pending || remove.pending;
  const editable = canManage && (member.role !== "owner" || canManageOwners);
  return (
    <tr>
      <td className="px-4 py-2.5 font-medium">
        {member.name}
        {member.userId === currentUserId ? <span className="ml-1 text-zinc-500">(you)</span> : null}
      </td>
      <td className="px-4 py-2.5 text-zinc-700">{member.email}</td>
      <td className="px-4 py-2.5">
        {editable ? (
          <select
            aria-label={`Access level for ${member.email}`}
            title="Role"
            className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm"
            defaultValue={member.role}
            disabled={pending}
            onChange={(e) => {
              const role = e.target.value as Member["role"];
              changeRole.run({ userId: member.userId, role });
            }}
          >
            <option value="member">member</option>
            <option value="admin">admin</option>
            {canManageOwners ? <option value="owner">owner</option> : null}
          </select>
        ) : (
          member.role
        )}
      </td>
      {canManage ? (
        <td className="px-4 py-2.5 text-right">
          {editable ? (
            <Button
              variant="ghost"
              size="sm"
              pending={remove.pending}
              disabled={pending}
              aria-label={`Remove ${member.email}`}
              onClick={() => remove.run({ userId: member.userId })}
            >
              Remove
            </Button>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}
