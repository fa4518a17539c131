"use client";

import {
  flexRender,
  getCoreRowModel,
  type RowSelectionState,
  useReactTable,
} from "@tanstack/react-table";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { theadClass } from "@/components/ui/table";
import { cn } from "@/lib/cn";
import { BulkKeyActions } from "./bulk-key-actions";
import { type KeyRowView, keyColumns } from "./key-columns";
import { KeysToolbar } from "./keys-toolbar";

export type { KeyRowView } from "./key-columns";

type SortId = "name" | "created" | "last_used";
const sortable: Partial<Record<string, SortId>> = {
  name: "name",
  created: "created",
  last_used: "last_used",
};

/** The key list: the server filters, sorts and pages it; the URL holds the query. */
export function KeysTable({
  rows,
  total,
  capped,
  hasNext,
  page,
  size,
  canManage,
  query,
}: {
  rows: KeyRowView[];
  /** Matching keys, counted up to a cap (then `capped`). */
  total: number;
  capped: boolean;
  hasNext: boolean;
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

  const columns = useMemo(() => keyColumns(canManage), [canManage]);
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
    const firstDir = id === "name" ? "asc" : "desc";
    const nextDir = active ? (query.dir === "asc" ? "desc" : "asc") : firstDir;
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

  return (
    <div>
      <KeysToolbar
        q={query.q}
        status={query.status}
        loading={navigating}
        onChange={({ q, status }) =>
          navigate({
            ...(q === undefined ? {} : { q }),
            ...(status === undefined ? {} : { status: status === "all" ? undefined : status }),
            page: undefined,
          })
        }
      >
        {canManage && selectedIds.length > 0 ? (
          <BulkKeyActions ids={selectedIds} onDone={() => setSelection({})} />
        ) : null}
      </KeysToolbar>

      <div className="relative overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className={theadClass}>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sortId = sortable[header.column.id];
                  const sorted = sortId && query.sort === sortId;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={
                        sorted ? (query.dir === "asc" ? "ascending" : "descending") : undefined
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
          {capped
            ? `${total.toLocaleString("en-US")}+ keys · page ${page}`
            : `${total.toLocaleString("en-US")} key${total === 1 ? "" : "s"} · page ${page} of ${pages}`}
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
            disabled={!hasNext || navigating}
            onClick={() => navigate({ page: String(page + 1) })}
          >
            Next
          </Button>
        </div>
      </div>
    </div>
  );
}
