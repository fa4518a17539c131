import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/audit-table";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { searchAuditLog } from "@/db/queries/audit";
import {
  expiringKeys,
  keyStatusCounts,
  lowUsageKeys,
  orgTraffic,
  topKeys,
  unusedKeys,
} from "@/db/queries/dashboard";
import { countMembers } from "@/db/queries/memberships";
import { keysWithUnusedScopes } from "@/db/queries/scope-usage";
import { requireOrgContext } from "@/lib/auth/session";
import { oneOf, parseSearchParams, type RawSearchParams } from "@/lib/search-params";
import { KeyCounts } from "./_components/key-counts";
import {
  ExpiringKeys,
  LowUsageKeys,
  OverScopedKeys,
  TopKeys,
  UnusedKeys,
} from "./_components/key-lists";
import { TRAFFIC_PERIODS, TrafficOverview } from "./_components/traffic-overview";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const ctx = await requireOrgContext();
  const { period } = parseSearchParams(
    { period: oneOf(TRAFFIC_PERIODS, "24h") },
    await searchParams,
  );
  const db = getDb();
  const org = ctx.organizationId;
  const now = new Date();
  const [counts, members, traffic, top, expiring, unused, overScoped, lowUsage, audit] =
    await Promise.all([
      keyStatusCounts(db, org, now),
      countMembers(db, org),
      orgTraffic(db, org, now),
      topKeys(db, org, now),
      expiringKeys(db, org, now),
      unusedKeys(db, org, now),
      keysWithUnusedScopes(db, org, now),
      lowUsageKeys(db, org, now),
      searchAuditLog(db, org, {}, { size: 8 }),
    ]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{ctx.organizationName}</h1>
        <p className="text-sm text-zinc-600">
          Signed in as {ctx.user.name} · {ctx.role}
        </p>
      </div>
      <KeyCounts counts={counts} members={members} />
      <TrafficOverview traffic={{ "24h": traffic.last24h, "7d": traffic.last7d }} period={period} />
      <div className="grid gap-6 md:grid-cols-2">
        <TopKeys rows={top} />
        <ExpiringKeys rows={expiring.rows} total={expiring.total} now={now} />
        <UnusedKeys rows={unused.rows} total={unused.total} now={now} />
        <OverScopedKeys rows={overScoped} />
        <LowUsageKeys rows={lowUsage.rows} total={lowUsage.total} now={now} />
      </div>
      <Card>
        <section aria-labelledby="recent-activity-heading">
          <div className="flex items-center justify-between px-4 pt-4 pb-2">
            <h2 id="recent-activity-heading" className="text-base font-semibold">
              Recent activity
            </h2>
            <Link href="/settings/audit-log" className="text-sm font-medium underline">
              Audit log
            </Link>
          </div>
          <AuditTable rows={audit.rows} />
        </section>
      </Card>
    </div>
  );
}
