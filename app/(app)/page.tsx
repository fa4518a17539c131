import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { countActiveKeys } from "@/db/queries/api-keys";
import { countMembers } from "@/db/queries/memberships";
import { requireOrgContext } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const ctx = await requireOrgContext();
  const [activeKeys, members] = await Promise.all([
    countActiveKeys(getDb(), ctx.organizationId),
    countMembers(getDb(), ctx.organizationId),
  ]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{ctx.organizationName}</h1>
        <p className="text-sm text-zinc-600">
          Signed in as {ctx.user.name} · {ctx.role}
        </p>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Card className="p-5">
          <p className="text-sm text-zinc-600">Active API keys</p>
          <p className="mt-1 text-3xl font-semibold">{activeKeys}</p>
          <Link
            href="/settings/api-keys"
            className="mt-3 inline-block text-sm font-medium underline"
          >
            Manage API keys
          </Link>
        </Card>
        <Card className="p-5">
          <p className="text-sm text-zinc-600">Members</p>
          <p className="mt-1 text-3xl font-semibold">{members}</p>
          <Link
            href="/settings/members"
            className="mt-3 inline-block text-sm font-medium underline"
          >
            Manage members
          </Link>
        </Card>
      </div>
    </div>
  );
}
