import Link from "next/link";
import { AUDIT_ACTION_LABELS } from "@/components/audit-table";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import type { AuditSearch } from "@/lib/audit/search";

/** A plain GET form: filters live in the URL, so they can be shared and exported. */
export function AuditFilters({
  search,
  keys,
  actions,
}: {
  search: AuditSearch;
  keys: { id: string; name: string; prefix: string }[];
  actions: string[];
}) {
  const label = "mb-1 block text-xs font-medium text-zinc-600";
  return (
    <form
      method="get"
      aria-label="Filter the audit log"
      className="grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-[1.2fr_1fr_1fr_auto_auto_auto]"
    >
      <div>
        <label htmlFor="audit-key" className={label}>
          Key
        </label>
        <Select id="audit-key" name="key" defaultValue={search.key ?? ""}>
          <option value="">All keys</option>
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name} ({k.prefix}…)
            </option>
          ))}
        </Select>
      </div>
      <div>
        <label htmlFor="audit-actor" className={label}>
          Actor
        </label>
        <Input id="audit-actor" name="actor" defaultValue={search.actor ?? ""} />
      </div>
      <div>
        <label htmlFor="audit-action" className={label}>
          Action
        </label>
        <Select id="audit-action" name="action" defaultValue={search.action ?? ""}>
          <option value="">All actions</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {AUDIT_ACTION_LABELS[a] ?? a}
            </option>
          ))}
        </Select>
      </div>
      <div>
        <label htmlFor="audit-from" className={label}>
          From
        </label>
        <Input id="audit-from" name="from" type="date" defaultValue={search.from ?? ""} />
      </div>
      <div>
        <label htmlFor="audit-to" className={label}>
          To
        </label>
        <Input id="audit-to" name="to" type="date" defaultValue={search.to ?? ""} />
      </div>
      <div className="flex items-end gap-2">
        <Button type="submit">Filter</Button>
        <Link href="/settings/audit-log" className="py-2 text-sm text-zinc-600 hover:underline">
          Clear
        </Link>
      </div>
    </form>
  );
}
