import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/audit-table";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { auditFilterChoices, searchAuditLog } from "@/db/queries/audit";
import { auditFilters, auditQueryString, parseAuditSearch } from "@/lib/audit/search";
import { requireOrgContext } from "@/lib/auth/session";
import { AuditFilters } from "./_components/audit-filters";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireOrgContext();
  const search = parseAuditSearch(await searchParams);
  const [{ rows, total, size, page }, choices] = await Promise.all([
    searchAuditLog(getDb(), ctx.organizationId, auditFilters(search), { page: search.page }),
    auditFilterChoices(getDb(), ctx.organizationId),
  ]);
  const pages = Math.max(1, Math.ceil(total / size));
  const pageLink = (n: number) => auditQueryString(search, { page: String(n) });
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Audit log</h1>
          <p className="text-sm text-zinc-600">
            Every change to this organization's API keys, members and key policy, newest first.
          </p>
        </div>
        <a
          href={`/settings/audit-log/export${auditQueryString(search)}`}
          className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-50"
        >
          Export CSV
        </a>
      </div>
      <Card>
        <AuditFilters search={search} keys={choices.keys} actions={choices.actions} />
        <div className="border-t border-zinc-200">
          <AuditTable rows={rows} />
        </div>
        <nav
          aria-label="Pagination"
          className="flex items-center justify-between border-t border-zinc-200 px-4 py-2 text-sm"
        >
          <span className="text-zinc-600">
            {total} event{total === 1 ? "" : "s"} · Page {Math.min(page, pages)} of {pages}
          </span>
          <div className="flex gap-3">
            {page > 1 ? <Link href={pageLink(Math.min(page, pages) - 1)}>Previous</Link> : null}
            {page < pages ? <Link href={pageLink(page + 1)}>Next</Link> : null}
          </div>
        </nav>
      </Card>
    </div>
  );
}
