import { formatDateTime } from "@/lib/format";

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "key.created": "Created",
  "key.updated": "Updated",
  "key.disabled": "Disabled",
  "key.enabled": "Enabled",
  "key.revoked": "Revoked",
  "key.rolled": "Rolled",
};

export type AuditRow = {
  id: string;
  createdAt: Date;
  action: string;
  actorLabel: string;
  actorName: string | null;
  keyName: string | null;
  keyId: string | null;
};

/** Key events, newest first: time, actor, action, key. */
export function AuditTable({ rows, showKey = true }: { rows: AuditRow[]; showKey?: boolean }) {
  if (rows.length === 0) {
    return <p className="px-4 py-8 text-center text-sm text-zinc-500">No key events yet.</p>;
  }
  return (
    <table className="w-full text-left text-sm">
      <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500 uppercase">
        <tr>
          <th scope="col" className="px-4 py-2 font-medium">
            Time
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Actor
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Action
          </th>
          {showKey ? (
            <th scope="col" className="px-4 py-2 font-medium">
              Key
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((row) => (
          <tr key={row.id}>
            <td className="px-4 py-2.5 whitespace-nowrap text-zinc-600">
              <time dateTime={row.createdAt.toISOString()}>{formatDateTime(row.createdAt)}</time>
            </td>
            <td className="px-4 py-2.5">{row.actorName ?? row.actorLabel}</td>
            <td className="px-4 py-2.5">{AUDIT_ACTION_LABELS[row.action] ?? row.action}</td>
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
