"use client";

import { type ReactNode, useEffect, useRef, useState } from "react";
import { type DisplayStatus, STATUS_LABELS } from "@/lib/keys/status";

const FILTERS: DisplayStatus[] = ["active", "disabled", "expired", "revoked"];

/** Search and status filter (both kept in the URL), and room for the selection's actions. */
export function KeysToolbar({
  q,
  status,
  loading,
  onChange,
  children,
}: {
  q: string;
  status: string;
  loading: boolean;
  onChange: (patch: { q?: string; status?: string }) => void;
  children?: ReactNode;
}) {
  const [search, setSearch] = useState(q);

  // Search as you type, without a request per keystroke.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => {
    if (search === q) return;
    const t = setTimeout(() => onChangeRef.current({ q: search.trim() }), 300);
    return () => clearTimeout(t);
  }, [search, q]);

  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 p-3">
      <input
        type="search"
        aria-label="Search keys"
        placeholder="Search by name…"
        className="h-9 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm sm:w-56"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <select
        aria-label="Filter by status"
        className="h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm"
        value={status}
        onChange={(e) => onChange({ status: e.target.value })}
      >
        <option value="all">All statuses</option>
        {FILTERS.map((s) => (
          <option key={s} value={s}>
            {STATUS_LABELS[s]}
          </option>
        ))}
        <option value="expiring">Expires soon</option>
      </select>
      {loading ? <span className="text-xs text-zinc-500">Loading…</span> : null}
      {children}
    </div>
  );
}
