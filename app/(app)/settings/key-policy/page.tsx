import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { getKeyPolicy } from "@/db/queries/key-policies";
import { canManage, requireOrgContext } from "@/lib/auth/session";
import { KeyPolicyForm } from "./_components/key-policy-form";

export const metadata: Metadata = { title: "Key policy" };

export default async function KeyPolicyPage() {
  const ctx = await requireOrgContext();
  const policy = await getKeyPolicy(getDb(), ctx.organizationId);
  const manage = canManage(ctx.role);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Key policy</h1>
        <p className="mt-1 max-w-2xl text-sm text-zinc-600">
          Rules every API key of {ctx.organizationName} follows, whether it is created here, through
          the management API or by rolling another key.
        </p>
      </div>
      <Card className="p-5">
        {manage ? (
          <KeyPolicyForm policy={policy} />
        ) : (
          <p className="text-sm text-zinc-600">Owners and admins set the key policy.</p>
        )}
      </Card>
    </div>
  );
}
