"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type RequestsPoint = { label: string; requests: number; errors: number };

/** Requests per bucket, successful and errors stacked. */
export function RequestsChart({
  data,
  label,
  caption,
}: {
  data: RequestsPoint[];
  /** The figure's accessible name, e.g. "Requests per day". */
  label: string;
  caption: string;
}) {
  const bars = data.map((d) => ({ ...d, ok: d.requests - d.errors }));
  return (
    <figure aria-label={label} className="h-56 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bars} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Bar dataKey="ok" name="Successful" stackId="r" fill="#18181b" />
          <Bar dataKey="errors" name="Errors" stackId="r" fill="#dc2626" />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{caption}</figcaption>
    </figure>
  );
}
