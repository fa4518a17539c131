import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/audit-table";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { listAuditEvents } from "@/db/queries/audit";
import { requireOrgContext } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireOrgContext();
  const page = Math.max(1, Number.parseInt(String((await searchParams).page ?? "1"), 10) || 1);
  const { rows, total, size } = await listAuditEvents(getDb(), ctx.organizationId, { page });
  const pages = Math.max(1, Math.ceil(total / size));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Audit log</h1>
        <p className="text-sm text-zinc-600">
          Every change to this organization's API keys and members, newest first.
        </p>
      </div>
      <Card>
        <AuditTable rows={rows} />
        {pages > 1 ? (
          <nav
            aria-label="Pagination"
            className="flex items-center justify-between border-t border-zinc-200 px-4 py-2 text-sm"
          >
            <span className="text-zinc-600">
              Page {page} of {pages}
            </span>
            <div className="flex gap-3">
              {page > 1 ? <Link href={`?page=${page - 1}`}>Previous</Link> : null}
              {page < pages ? <Link href={`?page=${page + 1}`}>Next</Link> : null}
            </div>
          </nav>
        ) : null}
      </Card>
    </div>
  );
}
