import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { AuditTable } from "@/components/audit-table";
import { Badge, Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { getKey, listAuditEvents } from "@/db/queries/api-keys";
import { env } from "@/lib/env";
import { formatDateTime, formatRelative } from "@/lib/format";
import { maskKey } from "@/lib/keys/format";
import { effectiveStatus } from "@/lib/keys/status";
import { canManage, requireOrgContext } from "@/lib/session";
import { EditKeyForm } from "../_components/edit-key-form";
import { KeyActions } from "../_components/key-actions";
import { StatusBadge } from "../_components/status-badge";

export const metadata: Metadata = { title: "API key" };

export default async function KeyDetailsPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireOrgContext();
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const key = await getKey(getDb(), ctx.organizationId, id);
  if (!key) notFound();
  const { rows: events } = await listAuditEvents(getDb(), ctx.organizationId, { keyId: id });
  const status = effectiveStatus(key);
  const manage = canManage(ctx.role);
  const rate = key.rateLimitPerMinute ?? env().DEFAULT_RATE_LIMIT_PER_MINUTE;

  const details: [string, React.ReactNode][] = [
    [
      "Key",
      <span key="k" className="font-mono text-xs">
        {maskKey(key.prefix)}
      </span>,
    ],
    ["Status", <StatusBadge key="s" status={status} />],
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
  ];
  if (key.revokedAt) details.push(["Revoked", formatDateTime(key.revokedAt)]);

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
        {manage ? <KeyActions id={key.id} name={key.name} status={status} /> : null}
      </div>
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
        {manage && status !== "revoked" ? (
          <EditKeyForm id={key.id} name={key.name} description={key.description ?? ""} />
        ) : null}
      </Card>
      <Card>
        <h2 className="px-4 pt-4 pb-2 text-base font-semibold">Audit trail</h2>
        <AuditTable rows={events} showKey={false} />
      </Card>
    </div>
  );
}
