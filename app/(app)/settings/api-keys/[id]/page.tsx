import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { AuditTable } from "@/components/audit-table";
import { Badge, Card } from "@/components/ui/card";
import { Th } from "@/components/ui/table";
import { getDb } from "@/db";
import { getKey } from "@/db/queries/api-keys";
import { searchAuditLog } from "@/db/queries/audit";
import { rolledFrom, rolledInto } from "@/db/queries/key-pages";
import { scopesUsed } from "@/db/queries/scope-usage";
import { keyStats, STATS_PERIODS, type StatsPeriod } from "@/db/queries/usage-stats";
import { listDeliveries } from "@/db/queries/webhooks";
import { canManage, requireOrgContext } from "@/lib/auth/session";
import { formatDateTime, formatRelative } from "@/lib/dates";
import { env } from "@/lib/env";
import { type Credits, isUsageExhausted, nextRefill, usageLeftText } from "@/lib/keys/credits";
import { maskKey } from "@/lib/keys/format";
import { effectiveStatus, isExpiringSoon } from "@/lib/keys/status";
import { oneOf, parseSearchParams, type RawSearchParams } from "@/lib/search-params";
import { KeyActions } from "../_components/key-actions";
import { KeySettingsForm } from "../_components/key-settings-form";
import { LeakBanner } from "../_components/leak-banner";
import { RollKeyDialog } from "../_components/roll-key-dialog";
import { ScopesInUse } from "../_components/scopes-in-use";
import { StatusBadge } from "../_components/status-badge";
import { UsageChart } from "../_components/usage-chart";
import { UsageLeftForm } from "../_components/usage-left-form";
import { WebhookSettings } from "../_components/webhook-settings";

export const metadata: Metadata = { title: "API key" };

export default async function KeyDetailsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawSearchParams>;
}) {
  const ctx = await requireOrgContext();
  const { id } = await params;
  const periods = Object.keys(STATS_PERIODS) as [StatsPeriod, ...StatsPeriod[]];
  const { period } = parseSearchParams({ period: oneOf(periods, "7d") }, await searchParams);
  if (!z.uuid().safeParse(id).success) notFound();
  const key = await getKey(getDb(), ctx.organizationId, id);
  if (!key) notFound();
  const [{ rows: events }, stats, roll, used, deliveries] = await Promise.all([
    searchAuditLog(getDb(), ctx.organizationId, { keyId: id }),
    keyStats(getDb(), ctx.organizationId, id, period),
    rollLinks(ctx.organizationId, id),
    scopesUsed(getDb(), ctx.organizationId, id),
    listDeliveries(getDb(), ctx.organizationId, id),
  ]);
  const now = Date.now();
  const status = effectiveStatus(key, now);
  const manage = canManage(ctx.role);
  const rate = key.rateLimitPerMinute ?? env().DEFAULT_RATE_LIMIT_PER_MINUTE;

  const details: [string, React.ReactNode][] = [
    [
      "Key",
      <span key="k" className="font-mono text-xs">
        {maskKey(key.prefix)}
      </span>,
    ],
    [
      "Status",
      <StatusBadge
        key="s"
        status={status}
        expiresSoon={isExpiringSoon(key, now)}
        leaked={key.leakedAt !== null}
        usageExhausted={isUsageExhausted(key, now)}
      />,
    ],
    ["Environment", key.environment === "live" ? "Live" : "Test"],
    [
      "Scopes",
      <span key="sc" className="flex flex-wrap gap-1">
        {key.scopes.map((s) => (
          <Badge key={s} tone="blue" className="font-mono">
            {s}
          </Badge>
        ))}
      </span>,
    ],
    ["Created", formatDateTime(key.createdAt)],
    [
      "Last used",
      key.lastUsedAt ? (
        <span key="lu" title={formatDateTime(key.lastUsedAt)}>
          {formatRelative(key.lastUsedAt)}
        </span>
      ) : (
        "Never"
      ),
    ],
    ["Expires", key.expiresAt ? formatDateTime(key.expiresAt) : "Never"],
    ["Allowed IPs", key.allowedIps.length ? key.allowedIps.join(", ") : "Any"],
    ["Rate limit", `${rate} requests per minute${key.rateLimitPerMinute ? "" : " (default)"}`],
    ["Usage left", <UsageLeft key="ul" credits={key} now={now} />],
  ];
  if (key.revokedAt) details.push(["Revoked", formatDateTime(key.revokedAt)]);
  if (roll.from) details.push(["Rolled from", <RollLink key="rf" to={roll.from} />]);
  if (roll.into) details.push(["Rolled into", <RollLink key="ri" to={roll.into} />]);

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href="/settings/api-keys" className="hover:underline">
          API &amp; Integrations
        </Link>{" "}
        / {key.name}
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{key.name}</h1>
          {key.description ? <p className="text-sm text-zinc-600">{key.description}</p> : null}
        </div>
        {manage ? (
          <div className="flex gap-1.5">
            <RollKeyDialog id={key.id} name={key.name} canRoll={status === "active"} />
            <KeyActions id={key.id} name={key.name} status={status} />
          </div>
        ) : null}
      </div>
      {key.leakedAt ? <LeakBanner keys={[key]} /> : null}
      <Card className="p-5">
        <h2 className="mb-3 text-base font-semibold">Details</h2>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          {details.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-zinc-500">{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        {manage && status !== "revoked" && key.usageLimit !== null ? (
          <UsageLeftForm keyId={key.id} usageLimit={key.usageLimit} />
        ) : null}
        {manage && status !== "revoked" ? (
          <KeySettingsForm
            keyId={key.id}
            settings={{
              name: key.name,
              description: key.description,
              scopes: key.scopes,
              allowedIps: key.allowedIps,
              rateLimitPerMinute: key.rateLimitPerMinute,
              usageLimit: key.usageLimit,
              usageRefill: key.usageRefill,
              expiresLabel: key.expiresAt ? formatDateTime(key.expiresAt) : null,
            }}
            defaultRateLimit={env().DEFAULT_RATE_LIMIT_PER_MINUTE}
          />
        ) : null}
      </Card>
      {status !== "revoked" ? (
        <ScopesInUse id={key.id} granted={key.scopes} used={used} canNarrow={manage} />
      ) : null}
      <Card className="p-5">
        <section aria-labelledby="usage-heading">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 id="usage-heading" className="text-base font-semibold">
              Usage
            </h2>
            <nav aria-label="Usage period" className="flex gap-1 text-sm">
              {(Object.keys(STATS_PERIODS) as StatsPeriod[]).map((p) => (
                <Link
                  key={p}
                  href={`?period=${p}`}
                  aria-current={p === period ? "page" : undefined}
                  className={
                    p === period
                      ? "rounded bg-zinc-900 px-2 py-0.5 text-white"
                      : "rounded px-2 py-0.5 text-zinc-600 hover:bg-zinc-100"
                  }
                >
                  {p}
                </Link>
              ))}
            </nav>
          </div>
          <dl className="mt-4 grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
            {[
              ["Requests", stats.totalRequests.toLocaleString("en-US")],
              ["Successful", stats.successfulRequests.toLocaleString("en-US")],
              ["Errors", stats.errorRequests.toLocaleString("en-US")],
              ["Avg. response", `${stats.averageResponseTimeMs} ms`],
            ].map(([label, value]) => (
              <div key={label} className="rounded-md border border-zinc-200 p-3">
                <dt className="text-zinc-500">{label}</dt>
                <dd className="mt-1 text-xl font-semibold">{value}</dd>
              </div>
            ))}
          </dl>
          {stats.totalRequests === 0 ? (
            <p className="mt-4 text-sm text-zinc-500">
              No requests with this key in the last {period}. Usage appears within a few seconds of
              a request.
            </p>
          ) : (
            <div className="mt-4 grid gap-6 lg:grid-cols-[2fr_1fr]">
              <UsageChart daily={stats.daily} />
              <table className="h-fit w-full text-left text-sm">
                <caption className="mb-2 text-left font-medium">Top endpoints</caption>
                <thead className="text-xs text-zinc-500 uppercase">
                  <tr>
                    <Th className="px-0 py-1">Endpoint</Th>
                    <Th className="px-0 py-1 text-right">Requests</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {stats.topEndpoints.map((e) => (
                    <tr key={`${e.method} ${e.endpoint}`}>
                      <td className="py-1.5 font-mono text-xs">
                        {e.method} {e.endpoint}
                      </td>
                      <td className="py-1.5 text-right">{e.count.toLocaleString("en-US")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </Card>
      <Card className="p-5">
        <WebhookSettings
          id={key.id}
          webhookUrl={key.webhookUrl}
          deliveries={deliveries}
          manage={manage && status !== "revoked"}
        />
      </Card>
      <Card>
        <section aria-labelledby="audit-trail">
          <h2 id="audit-trail" className="px-4 pt-4 pb-2 text-base font-semibold">
            Audit trail
          </h2>
          <AuditTable rows={events} showKey={false} />
        </section>
      </Card>
    </div>
  );
}

async function rollLinks(organizationId: string, id: string) {
  const self = await getKey(getDb(), organizationId, id);
  const [from, into] = await Promise.all([
    rolledFrom(getDb(), organizationId, self?.rolledFromId ?? null),
    rolledInto(getDb(), organizationId, id),
  ]);
  return { from, into };
}

/** "7 of 10 · refills daily" (what is left now), with the next refill on hover. */
function UsageLeft({ credits, now }: { credits: Credits; now: number }) {
  const refill = nextRefill(credits, now);
  return (
    <span title={refill ? `Next refill ${formatDateTime(new Date(refill))}` : undefined}>
      {usageLeftText(credits, now)}
    </span>
  );
}

function RollLink({ to }: { to: { id: string; name: string; prefix: string } }) {
  return (
    <Link href={`/settings/api-keys/${to.id}`} className="font-mono text-xs hover:underline">
      {maskKey(to.prefix)}
    </Link>
  );
}
