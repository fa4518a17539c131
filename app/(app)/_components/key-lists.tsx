import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { formatDateTime, formatRelative } from "@/lib/dates";
import { type Credits, currentCredits } from "@/lib/keys/credits";
import { maskKey } from "@/lib/keys/format";
import { percent } from "./traffic-overview";

type ListedKey = { id: string; name: string; prefix: string };

/** A titled card listing keys, each linking to its page, with what to do when there are none. */
function KeyListCard({
  id,
  title,
  hint,
  empty,
  total,
  more,
  children,
}: {
  id: string;
  title: string;
  hint?: string;
  empty: string;
  total: number;
  more?: { href: string; label: string };
  children: ReactNode;
}) {
  return (
    <Card className="p-5">
      <section aria-labelledby={id}>
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {hint ? <p className="text-xs text-zinc-500">{hint}</p> : null}
        {total === 0 ? (
          <p className="mt-3 text-sm text-zinc-500">{empty}</p>
        ) : (
          <ul className="mt-3 divide-y divide-zinc-100 text-sm">{children}</ul>
        )}
        {more && total > 0 ? (
          <Link href={more.href} className="mt-3 inline-block text-sm font-medium underline">
            {more.label}
          </Link>
        ) : null}
      </section>
    </Card>
  );
}

function KeyLine({ item, children }: { item: ListedKey; children: ReactNode }) {
  return (
    <li className="flex items-baseline justify-between gap-3 py-2">
      <span className="min-w-0 truncate">
        <Link href={`/settings/api-keys/${item.id}`} className="font-medium hover:underline">
          {item.name}
        </Link>{" "}
        <span className="font-mono text-xs text-zinc-500">{maskKey(item.prefix)}</span>
      </span>
      <span className="shrink-0 text-zinc-600">{children}</span>
    </li>
  );
}

export function TopKeys({ rows }: { rows: (ListedKey & { requests: number; errors: number })[] }) {
  return (
    <KeyListCard
      id="top-keys-heading"
      title="Most used keys"
      hint="Requests over the last 7 days."
      empty="No key has been used in the last 7 days."
      total={rows.length}
    >
      {rows.map((k) => (
        <KeyLine key={k.id} item={k}>
          {k.requests.toLocaleString("en-US")} requests · {percent(k.errors / k.requests)} errors
        </KeyLine>
      ))}
    </KeyListCard>
  );
}

export function ExpiringKeys({
  rows,
  total,
  now,
}: {
  rows: (ListedKey & { expiresAt: Date | null })[];
  total: number;
  now: Date;
}) {
  return (
    <KeyListCard
      id="expiring-heading"
      title="Expiring soon"
      hint="Keys that expire within 7 days: roll them or set a later expiry."
      empty="No key expires within 7 days."
      total={total}
      more={{ href: "/settings/api-keys?status=expiring", label: `See all ${total}` }}
    >
      {rows.map((k) => (
        <KeyLine key={k.id} item={k}>
          {k.expiresAt ? (
            <time dateTime={k.expiresAt.toISOString()} title={formatDateTime(k.expiresAt)}>
              expires {formatRelative(k.expiresAt, now)}
            </time>
          ) : null}
        </KeyLine>
      ))}
    </KeyListCard>
  );
}

export function UnusedKeys({
  rows,
  total,
  now,
}: {
  rows: (ListedKey & { lastUsedAt: Date | null; createdAt: Date })[];
  total: number;
  now: Date;
}) {
  return (
    <KeyListCard
      id="unused-heading"
      title="Unused for 30+ days"
      hint={`${total} candidate${total === 1 ? "" : "s"} to revoke: a key nobody uses is only a risk.`}
      empty="Every key has been used in the last 30 days."
      total={total}
      more={{ href: "/settings/api-keys?sort=last_used&dir=asc", label: "See keys by last use" }}
    >
      {rows.map((k) => (
        <KeyLine key={k.id} item={k}>
          {k.lastUsedAt ? (
            <span title={formatDateTime(k.lastUsedAt)}>
              last used {formatRelative(k.lastUsedAt, now)}
            </span>
          ) : (
            <span title={`Created ${formatDateTime(k.createdAt)}`}>never used</span>
          )}
        </KeyLine>
      ))}
    </KeyListCard>
  );
}

/** Keys holding scopes their requests never needed in 30 days: candidates for narrowing. */
export function OverScopedKeys({
  rows,
}: {
  rows: { id: string; name: string; unused: string[] }[];
}) {
  return (
    <KeyListCard
      id="over-scoped-heading"
      title="Keys with unused scopes"
      hint="Granted scopes none of their requests needed in 30 days."
      empty="Every key in use needs all of its scopes."
      total={rows.length}
    >
      {rows.slice(0, 5).map((k) => (
        <li key={k.id} className="flex items-baseline justify-between gap-3 py-2">
          <Link
            href={`/settings/api-keys/${k.id}`}
            className="min-w-0 truncate font-medium hover:underline"
          >
            {k.name}
          </Link>
          <span className="shrink-0 font-mono text-xs text-zinc-600">{k.unused.join(", ")}</span>
        </li>
      ))}
    </KeyListCard>
  );
}

/** Keys with a usage limit and 10% or less of it left: refused soon, or already. */
export function LowUsageKeys({
  rows,
  total,
  now,
}: {
  rows: (ListedKey & Credits)[];
  total: number;
  now: Date;
}) {
  return (
    <KeyListCard
      id="low-usage-heading"
      title="Running out of usage"
      hint="Keys with 10% or less of their usage limit left: raise the limit or set the usage left on the key's page."
      empty="No key is close to its usage limit."
      total={total}
    >
      {rows.map((k) => {
        const left = currentCredits(k, now.getTime()).usageRemaining ?? 0;
        return (
          <KeyLine key={k.id} item={k}>
            {left <= 0 ? (
              <span className="font-medium text-amber-800">Usage exhausted</span>
            ) : (
              `${left.toLocaleString("en-US")} of ${(k.usageLimit ?? 0).toLocaleString("en-US")} left`
            )}
          </KeyLine>
        );
      })}
      {total > rows.length ? (
        <li className="py-2 text-zinc-500">and {total - rows.length} more</li>
      ) : null}
    </KeyListCard>
  );
}
