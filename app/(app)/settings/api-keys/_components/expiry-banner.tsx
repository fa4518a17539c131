import Link from "next/link";
import { EXPIRING_SOON_DAYS } from "@/lib/keys/status";

/** Warns that keys are about to stop working, with the list filtered to them. */
export function ExpiryBanner({ count, names }: { count: number; names: string[] }) {
  if (count === 0) return null;
  const more = count - names.length;
  return (
    <section
      aria-label="Keys expiring soon"
      className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <p>
        <strong>
          {count === 1 ? "1 key" : `${count} keys`} will expire within {EXPIRING_SOON_DAYS} days
        </strong>
        : {names.join(", ")}
        {more > 0 ? ` and ${more} more` : ""}. Roll them or set a later expiry on their page before
        requests with them are refused.
      </p>
      <Link
        href="/settings/api-keys?status=expiring"
        className="mt-1 inline-block font-medium underline"
      >
        Show keys that expire soon
      </Link>
    </section>
  );
}
