import Link from "next/link";

type LeakedKey = { id: string; name: string; status: "active" | "disabled" | "revoked" };

const outcome: Record<LeakedKey["status"], string> = {
  active: "still active",
  disabled: "disabled",
  revoked: "revoked",
};

/** Warns about keys found in public (secret scanners' reports) and what to do next. */
export function LeakBanner({ keys }: { keys: LeakedKey[] }) {
  const many = keys.length > 1;
  return (
    <div
      role="status"
      className="rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900"
    >
      <p className="font-medium">
        {many ? `${keys.length} keys were` : "A key was"} reported as leaked in the last 30 days.
      </p>
      <ul className="mt-1 list-disc pl-5">
        {keys.map((k) => (
          <li key={k.id}>
            <Link href={`/settings/api-keys/${k.id}`} className="underline">
              {k.name}
            </Link>{" "}
            ({outcome[k.status]})
          </li>
        ))}
      </ul>
      <p className="mt-1">
        Replace {many ? "them" : "it"} with a new key in the integrations that use{" "}
        {many ? "them" : "it"}, then revoke the leaked {many ? "keys" : "key"}.
      </p>
    </div>
  );
}
