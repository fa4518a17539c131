import type { Metadata } from "next";
import { z } from "zod";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { KEY_SORTS, KEY_STATUS_FILTERS } from "@/db/queries/api-keys";
import { keysPageData } from "@/db/queries/keys-page";
import { canManage, requireOrgContext } from "@/lib/auth/session";
import { formatDate, formatDateTime, formatRelative } from "@/lib/dates";
import { env } from "@/lib/env";
import { isUsageExhausted } from "@/lib/keys/credits";
import { maskKey } from "@/lib/keys/format";
import { effectiveStatus, isExpiringSoon } from "@/lib/keys/status";
import {
  oneOf,
  pageNumber,
  parseSearchParams,
  type RawSearchParams,
  text,
} from "@/lib/search-params";
import { BestPractices } from "./_components/best-practices";
import { CreateKeyDialog } from "./_components/create-key-dialog";
import { ExpiryBanner } from "./_components/expiry-banner";
import { type KeyRowView, KeysTable } from "./_components/keys-table";
import { LeakBanner } from "./_components/leak-banner";

export const metadata: Metadata = { title: "API & Integrations" };

const querySchema = {
  q: text(64),
  status: oneOf(KEY_STATUS_FILTERS, "all"),
  sort: oneOf(KEY_SORTS, "created"),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
  page: pageNumber(),
};

export default async function ApiKeysPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const ctx = await requireOrgContext();
  const parsed = parseSearchParams(querySchema, await searchParams);
  const query = { ...parsed, dir: parsed.dir ?? (parsed.sort === "name" ? "asc" : "desc") };
  const now = new Date();
  const { list, expiring, policy, leaked } = await keysPageData(
    getDb(),
    ctx.organizationId,
    query,
    now,
  );
  const { rows, total, capped, hasNext, page, size } = list;
  const manage = canManage(ctx.role);
  const view: KeyRowView[] = rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    environment: row.environment,
    masked: maskKey(row.prefix),
    scopes: row.scopes,
    status: effectiveStatus(row, now),
    expiresSoon: isExpiringSoon(row, now),
    created: formatDate(row.createdAt),
    createdTitle: formatDateTime(row.createdAt),
    lastUsed: row.lastUsedAt ? formatRelative(row.lastUsedAt, now) : "Never",
    lastUsedTitle: row.lastUsedAt ? formatDateTime(row.lastUsedAt) : undefined,
    leaked: row.leakedAt !== null,
    usageExhausted: isUsageExhausted(row, now.getTime()),
  }));
  const filtered = query.q !== "" || query.status !== "all";

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">API &amp; Integrations</h1>
        <p className="mt-1 text-sm text-zinc-600">
          Keys let your integrations and services call the {ctx.organizationName} API. Send one in
          the <code className="font-mono text-xs">X-API-Key</code> header or as{" "}
          <code className="font-mono text-xs">Authorization: Bearer &lt;key&gt;</code>.
        </p>
      </div>

      {leaked.length > 0 ? <LeakBanner keys={leaked} /> : null}
      <ExpiryBanner count={expiring.total} names={expiring.rows.map((k) => k.name)} />

      <section aria-labelledby="api-keys-heading" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="api-keys-heading" className="text-lg font-semibold">
              API Keys
            </h2>
            {!manage ? (
              <p className="text-sm text-zinc-600">
                You can see this organization's keys; owners and admins manage them.
              </p>
            ) : null}
          </div>
          {manage ? (
            <CreateKeyDialog
              defaultRateLimit={env().DEFAULT_RATE_LIMIT_PER_MINUTE}
              maxLifetimeDays={policy.maxLifetimeDays}
            />
          ) : null}
        </div>

        {total === 0 && !filtered ? (
          <Card className="flex flex-col items-center px-6 py-12 text-center">
            <p className="text-base font-medium">No API keys yet</p>
            <p className="mt-1 max-w-md text-sm text-zinc-600">
              Create a key for each integration (for example “Production API” or “Staging”), give it
              only the scopes it needs, and you can disable or revoke it on its own at any time.
            </p>
          </Card>
        ) : (
          <Card>
            <KeysTable
              rows={view}
              total={total}
              capped={capped}
              hasNext={hasNext}
              page={page}
              size={size}
              canManage={manage}
              query={{ q: query.q, status: query.status, sort: query.sort, dir: query.dir }}
            />
          </Card>
        )}
      </section>

      <BestPractices />
    </div>
  );
}
