import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { canManage, requireOrgContext } from "@/lib/auth/session";
import { RenameForm } from "./_components/rename-form";

export const metadata: Metadata = { title: "General" };

export default async function GeneralSettingsPage() {
  const ctx = await requireOrgContext();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">General</h1>
      <Card className="space-y-4 p-5">
        <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
          <dt className="text-zinc-500">Organization</dt>
          <dd>{ctx.organizationName}</dd>
          <dt className="text-zinc-500">Organization ID</dt>
          <dd className="font-mono text-xs">{ctx.organizationId}</dd>
          <dt className="text-zinc-500">Your role</dt>
          <dd>{ctx.role}</dd>
        </dl>
        {canManage(ctx.role) ? <RenameForm name={ctx.organizationName} /> : null}
      </Card>
    </div>
  );
}
