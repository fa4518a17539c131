"use client";

import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  type RowSelectionState,
  useReactTable,
} from "@tanstack/react-table";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { bulkDisableApiKeys } from "@/lib/actions/bulk-disable-api-keys";
import { bulkRevokeApiKeys } from "@/lib/actions/bulk-revoke-api-keys";
import type { ActionResult } from "@/lib/actions/safe-action";
import { cn } from "@/lib/cn";
import { KeyActions } from "./key-actions";
import { StatusBadge } from "./status-badge";

export type KeyRowView = {
  id: string;
  leaked: boolean;
  name: string;
  description: string | null;
  environment: "live" | "test";
  masked: string;
  scopes: string[];
  status: "active" | "disabled" | "revoked" | "expired";
  created: string;
  createdTitle: string;
  lastUsed: string;
  lastUsedTitle: string | undefined;
};

type SortId = "name" | "created" | "last_used";

export function KeysTable({
  rows,
  total,
  page,
  size,
  canManage,
  query,
}: {
  rows: KeyRowView[];
  total: number;
  page: number;
  size: number;
  canManage: boolean;
  query: { q: string; status: string; sort: SortId; dir: "asc" | "desc" };
}) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [navigating, startNavigation] = useTransition();
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [search, setSearch] = useState(query.q);

  // The server decides what is on the page; drop selections of rows no longer shown.
  useEffect(() => {
    setSelection((current) => {
      const visible = new Set(rows.map((r) => r.id));
      const next = Object.fromEntries(Object.entries(current).filter(([id]) => visible.has(id)));
      return Object.keys(next).length === Object.keys(current).length ? current : next;
    });
  }, [rows]);

  const navigate = (patch: Record<string, string | undefined>) => {
    const params = new URLSearchParams(searchParams.toString());
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === "") params.delete(k);
      else params.set(k, v);
    }
    startNavigation(() => router.replace(`${pathname}?${params.toString()}`, { scroll: false }));
  };

  // Search as you type, without a request per keystroke.
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;
  useEffect(() => {
    if (search === query.q) return;
    const t = setTimeout(
      () => navigateRef.current({ q: search.trim() || undefined, page: undefined }),
      300,
    );
    return () => clearTimeout(t);
  }, [search, query.q]);

  const columns = useMemo<ColumnDef<KeyRowView>[]>(() => {
    const cols: ColumnDef<KeyRowView>[] = [
      {
        id: "name",
        header: "Name",
        cell: ({ row }) => (
          <div className="min-w-0">
            <Link
              href={`/settings/api-keys/${row.original.id}`}
              className="font-medium text-zinc-900 hover:underline"
            >
              {row.original.name}
            </Link>
            {row.original.description ? (
              <p className="max-w-56 truncate text-xs text-zinc-500">{row.original.description}</p>
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
          <div className="flex max-w-64 flex-wrap gap-1">
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
          <StatusBadge status={row.original.status} leaked={row.original.leaked} />
        ),
      },
      {
        id: "created",
        header: "Created",
        cell: ({ row }) => (
          <time title={row.original.createdTitle} className="whitespace-nowrap">
            {row.original.created}
          </time>
        ),
      },
      {
        id: "last_used",
        header: "Last used",
        cell: ({ row }) => (
          <span title={row.original.lastUsedTitle} className="whitespace-nowrap">
            {row.original.lastUsed}
          </span>
        ),
      },
    ];
    if (!canManage) return cols;
    return [
      {
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
      },
      ...cols,
      {
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => (
          <KeyActions id={row.original.id} name={row.original.name} status={row.original.status} />
        ),
      },
    ];
  }, [canManage]);

  const table = useReactTable({
    data: rows,
    columns,
    getRowId: (row) => row.id,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    rowCount: total,
    state: { rowSelection: selection },
    onRowSelectionChange: setSelection,
    enableRowSelection: (row) => row.original.status !== "revoked",
  });

  const selectedIds = Object.keys(selection).filter((id) => selection[id]);
  const pages = Math.max(1, Math.ceil(total / size));

  const sortHeader = (id: SortId, label: string) => {
    const active = query.sort === id;
    const nextDir = active
      ? query.dir === "asc"
        ? "desc"
        : "asc"
      : id === "name"
        ? "asc"
        : "desc";
    return (
      <button
        type="button"
        className="inline-flex items-center gap-1 uppercase hover:text-zinc-900"
        onClick={() => navigate({ sort: id, dir: nextDir, page: undefined })}
      >
        {label}
        <span aria-hidden="true" className={cn(!active && "opacity-30")}>
          {active && query.dir === "asc" ? "↑" : "↓"}
        </span>
      </button>
    );
  };
  const sortable: Partial<Record<string, SortId>> = {
    name: "name",
    created: "created",
    last_used: "last_used",
  };

  return (
    <div>
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 p-3">
        <input
          type="search"
          aria-label="Search keys"
          placeholder="Search by name…"
          className="h-9 w-56 rounded-md border border-zinc-300 px-3 text-sm"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <select
          aria-label="Filter by status"
          className="h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm"
          value={query.status}
          onChange={(e) =>
            navigate({
              status: e.target.value === "all" ? undefined : e.target.value,
              page: undefined,
            })
          }
        >
          <option value="all">All statuses</option>
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
          <option value="expired">Expired</option>
          <option value="revoked">Revoked</option>
        </select>
        {navigating ? <span className="text-xs text-zinc-500">Loading…</span> : null}
        {canManage && selectedIds.length > 0 ? (
          <BulkActions ids={selectedIds} onDone={() => setSelection({})} />
        ) : null}
      </div>

      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500 uppercase">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sortId = sortable[header.column.id];
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={
                        sortId && query.sort === sortId
                          ? query.dir === "asc"
                            ? "ascending"
                            : "descending"
                          : undefined
                      }
                      className={cn(
                        "px-3 py-2 font-medium",
                        header.column.id === "select" && "w-8",
                      )}
                    >
                      {sortId
                        ? sortHeader(sortId, String(header.column.columnDef.header))
                        : flexRender(header.column.columnDef.header, header.getContext())}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} className={cn(row.getIsSelected() && "bg-zinc-50")}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className="px-3 py-2.5 align-middle">
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))}
            {rows.length === 0 ? (
              <tr>
                <td
                  colSpan={columns.length}
                  className="px-3 py-8 text-center text-sm text-zinc-500"
                >
                  No keys match these filters.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>

      <div className="flex items-center justify-between border-t border-zinc-200 px-3 py-2 text-sm text-zinc-600">
        <span>
          {total} key{total === 1 ? "" : "s"} · page {page} of {pages}
        </span>
        <div className="flex gap-2">
          <Button
            variant="secondary"
            size="sm"
            disabled={page <= 1 || navigating}
            onClick={() => navigate({ page: String(page - 1) })}
          >
            Previous
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={page >= pages || navigating}
            onClick={() => navigate({ page: String(page + 1) })}
          >
            Next
          </Button>
        </div>
      </div>
    </div>
  );
}

function BulkActions({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const [pending, startTransition] = useTransition();
  const [confirming, setConfirming] = useState(false);
  const run = (action: (input: { ids: string[] }) => Promise<ActionResult<unknown>>) =>
    startTransition(async () => {
      const result = await action({ ids }).catch(() => null);
      if (!result) toast.error("Something went wrong. Nothing was changed.");
      else if (result.ok) {
        toast.success(result.message);
        onDone();
      } else toast.error(result.error);
      setConfirming(false);
    });
  return (
    <div className="ml-auto flex items-center gap-2">
      <span className="text-sm text-zinc-600">{ids.length} selected</span>
      <Button
        variant="secondary"
        size="sm"
        pending={pending && !confirming}
        onClick={() => run(bulkDisableApiKeys)}
      >
        Disable selected
      </Button>
      <Button variant="danger" size="sm" disabled={pending} onClick={() => setConfirming(true)}>
        Revoke selected
      </Button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={`Revoke ${ids.length} key${ids.length === 1 ? "" : "s"}?`}
        description="Requests with these keys will be refused at once. Revoking cannot be undone."
        confirmLabel="Revoke key"
        pending={pending}
        onConfirm={() => run(bulkRevokeApiKeys)}
      />
    </div>
  );
}
