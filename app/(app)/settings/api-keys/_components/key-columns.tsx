"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { Badge } from "@/components/ui/card";
import type { DisplayStatus } from "@/lib/keys/status";
import { KeyActions } from "./key-actions";
import { StatusBadge } from "./status-badge";

export type KeyRowView = {
  id: string;
  leaked: boolean;
  expiresSoon?: boolean;
  usageExhausted?: boolean;
  name: string;
  description: string | null;
  environment: "live" | "test";
  masked: string;
  scopes: string[];
  status: DisplayStatus;
  created: string;
  createdTitle: string;
  lastUsed: string;
  lastUsedTitle: string | undefined;
};

/*
 * Only the key and the row actions refuse to wrap: every other cell may break its text, so the
 * row fits the card from 1024 px up and the actions never slide out of view.
 */
const dataColumns: ColumnDef<KeyRowView>[] = [
  {
    id: "name",
    header: "Name",
    cell: ({ row }) => (
      <div className="min-w-24">
        <Link
          href={`/settings/api-keys/${row.original.id}`}
          className="font-medium break-words text-zinc-900 hover:underline"
        >
          {row.original.name}
        </Link>
        {row.original.description ? (
          <p className="line-clamp-2 max-w-48 text-xs text-zinc-500">{row.original.description}</p>
        ) : null}
      </div>
    ),
  },
  {
    id: "key",
    header: "Key",
    cell: ({ row }) => (
      <span className="font-mono text-xs whitespace-nowrap text-zinc-700">
        {row.original.masked}
      </span>
    ),
  },
  {
    id: "scopes",
    header: "Scopes",
    cell: ({ row }) => (
      <div className="flex max-w-56 flex-wrap gap-1">
        {row.original.scopes.map((s) => (
          <Badge key={s} tone="blue" className="font-mono">
            {s}
          </Badge>
        ))}
      </div>
    ),
  },
  {
    id: "status",
    header: "Status",
    cell: ({ row }) => (
      <StatusBadge
        status={row.original.status}
        expiresSoon={row.original.expiresSoon}
        leaked={row.original.leaked}
        usageExhausted={row.original.usageExhausted}
      />
    ),
  },
  {
    id: "created",
    header: "Created",
    cell: ({ row }) => <time title={row.original.createdTitle}>{row.original.created}</time>,
  },
  {
    id: "last_used",
    header: "Last used",
    cell: ({ row }) => <span title={row.original.lastUsedTitle}>{row.original.lastUsed}</span>,
  },
];

const selectColumn: ColumnDef<KeyRowView> = {
  id: "select",
  header: ({ table }) => (
    <input
      type="checkbox"
      aria-label="Select all keys on this page"
      className="size-4 accent-zinc-900"
      checked={table.getIsAllRowsSelected()}
      ref={(el) => {
        if (el) el.indeterminate = table.getIsSomeRowsSelected();
      }}
      onChange={table.getToggleAllRowsSelectedHandler()}
    />
  ),
  cell: ({ row }) => (
    <input
      type="checkbox"
      aria-label={`Select ${row.original.name}`}
      className="size-4 accent-zinc-900"
      checked={row.getIsSelected()}
      disabled={!row.getCanSelect()}
      onChange={row.getToggleSelectedHandler()}
    />
  ),
};

const actionsColumn: ColumnDef<KeyRowView> = {
  id: "actions",
  header: () => <span className="sr-only">Actions</span>,
  cell: ({ row }) => (
    <KeyActions id={row.original.id} name={row.original.name} status={row.original.status} />
  ),
};

/** The key list's columns; managers also get row selection and row actions. */
export function keyColumns(canManage: boolean): ColumnDef<KeyRowView>[] {
  return canManage ? [selectColumn, ...dataColumns, actionsColumn] : dataColumns;
}
