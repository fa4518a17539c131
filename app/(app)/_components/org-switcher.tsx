"use client";

import { useAction } from "@/hooks/use-action";
import { switchOrganization } from "@/lib/actions/switch-organization";

type Org = { id: string; name: string; role: string };

export function OrgSwitcher({ current, organizations }: { current: string; organizations: Org[] }) {
  const { run, pending } = useAction(switchOrganization, { quiet: true });
  const active = organizations.find((o) => o.id === current);
  if (organizations.length < 2) {
    return <span className="text-sm font-medium text-zinc-700">{active?.name}</span>;
  }
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="sr-only">Organization</span>
      <select
        className="max-w-48 rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm sm:max-w-64"
        value={current}
        disabled={pending}
        onChange={(e) => run({ organizationId: e.target.value })}
      >
        {organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name} ({o.role})
          </option>
        ))}
      </select>
    </label>
  );
}
