import Link from "next/link";
import { Card } from "@/components/ui/card";
import { type DisplayStatus, STATUS_LABELS, type StatusCounts } from "@/lib/keys/status";

const ORDER: DisplayStatus[] = ["active", "disabled", "expired", "revoked"];

/** Keys by derived status (an expired key is not active), each linking to the filtered list. */
export function KeyCounts({ counts, members }: { counts: StatusCounts; members: number }) {
  return (
    <div className="grid gap-4 sm:grid-cols-[3fr_1fr]">
      <Card className="p-5">
        <section aria-labelledby="key-counts-heading">
          <div className="flex items-baseline justify-between">
            <h2 id="key-counts-heading" className="text-base font-semibold">
              API keys
            </h2>
            <Link href="/settings/api-keys" className="text-sm font-medium underline">
              Manage API keys
            </Link>
          </div>
          <dl className="mt-3 grid grid-cols-2 gap-4 sm:grid-cols-4">
            {ORDER.map((status) => (
              <div key={status}>
                <dt className="text-sm text-zinc-600">{STATUS_LABELS[status]}</dt>
                <dd className="mt-1 text-3xl font-semibold">
                  <Link href={`/settings/api-keys?status=${status}`} className="hover:underline">
                    {counts[status]}
                  </Link>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      </Card>
      <Card className="p-5">
        <p className="text-sm text-zinc-600">Members</p>
        <p className="mt-1 text-3xl font-semibold">{members}</p>
        <Link href="/settings/members" className="mt-3 inline-block text-sm font-medium underline">
          Manage members
        </Link>
      </Card>
    </div>
  );
}
