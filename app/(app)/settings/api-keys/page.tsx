import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { requireOrgContext } from "@/lib/session";

export const metadata: Metadata = { title: "API & Integrations" };

export default async function ApiKeysPage() {
  await requireOrgContext();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">API &amp; Integrations</h1>
      <Card className="p-5">
        <h2 className="text-base font-semibold">API Keys</h2>
        <p className="mt-1 text-sm text-zinc-600">
          API keys let your integrations call this organization's API.
        </p>
      </Card>
    </div>
  );
}
