import { Th, theadClass } from "@/components/ui/table";
import { formatDateTime } from "@/lib/dates";

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "key.created": "Created",
  "key.updated": "Updated",
  "key.disabled": "Disabled",
  "key.enabled": "Enabled",
  "key.revoked": "Revoked",
  "key.rolled": "Rolled",
  "key.webhook_secret_regenerated": "Webhook secret regenerated",
  "member.added": "Member added",
  "member.role_changed": "Member role changed",
  "member.removed": "Member removed",
  "key.leaked": "Reported leaked",
  "policy.updated": "Key policy changed",
};

/** Member events name the person and the roles; key events stay one word. */
function describeAction(row: AuditRow): string {
  const label = AUDIT_ACTION_LABELS[row.action] ?? row.action;
  const m = row.metadata as { email?: string; fromRole?: string; toRole?: string } | null;
  if (!row.action.startsWith("member.") || !m?.email) return label;
  const roles = [m.fromRole, m.toRole].filter(Boolean).join(" → ");
  return `${label}: ${m.email}${roles ? ` (${roles})` : ""}`;
}

export type AuditRow = {
  id: string;
  createdAt: Date;
  action: string;
  actorLabel: string;
  actorName: string | null;
  keyName: string | null;
  keyId: string | null;
  actorKeyId?: string | null;
  metadata?: unknown;
};

type RollLinks = { self?: boolean; rolledToId?: string; rolledFromId?: string };

/** The action, with what the metadata adds: a key acting on itself, the other key of a roll. */
function ActionCell({ row }: { row: AuditRow }) {
  const meta = (row.metadata ?? {}) as RollLinks;
  const label = describeAction(row);
  const other = meta.rolledToId ?? meta.rolledFromId;
  return (
    <>
      {meta.self ? `${label} (by itself)` : label}
      {other ? (
        <>
          {" "}
          <a href={`/settings/api-keys/${other}`} className="text-zinc-500 hover:underline">
            {meta.rolledToId ? "→ new key" : "← rolled from"}
          </a>
        </>
      ) : null}
    </>
  );
}

/** Key, member and policy events, newest first: time, actor, action, key. */
export function AuditTable({ rows, showKey = true }: { rows: AuditRow[]; showKey?: boolean }) {
  if (rows.length === 0) {
    return <p className="px-4 py-8 text-center text-sm text-zinc-500">No key events yet.</p>;
  }
  return (
    <table className="w-full text-left text-sm">
      <thead className={theadClass}>
        <tr>
          <Th>Time</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          {showKey ? <Th>Key</Th> : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((row) => (
          <tr key={row.id}>
            <td className="px-4 py-2.5 text-zinc-600 sm:whitespace-nowrap">
              <time dateTime={row.createdAt.toISOString()}>{formatDateTime(row.createdAt)}</time>
            </td>
            <td className="px-4 py-2.5">
              {row.actorKeyId ? (
                <a href={`/settings/api-keys/${row.actorKeyId}`} className="hover:underline">
                  {row.actorLabel}
                </a>
              ) : (
                (row.actorName ?? row.actorLabel)
              )}
            </td>
            <td className="px-4 py-2.5">
              <ActionCell row={row} />
            </td>
            {showKey ? (
              <td className="px-4 py-2.5">
                {row.keyId ? (
                  <a href={`/settings/api-keys/${row.keyId}`} className="hover:underline">
                    {row.keyName}
                  </a>
                ) : (
                  row.keyName
                )}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
