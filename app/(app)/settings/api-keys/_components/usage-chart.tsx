"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export function UsageChart({
  daily,
}: {
  daily: { date: string; requests: number; errors: number }[];
}) {
  const data = daily.map((d) => ({ ...d, ok: d.requests - d.errors, label: d.date.slice(5) }));
  const total = daily.reduce((n, d) => n + d.requests, 0);
  return (
    <figure aria-label="Requests per day" className="h-56 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--color-zinc-200)" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Bar dataKey="ok" name="Successful" stackId="r" fill="var(--color-zinc-900)" />
          <Bar dataKey="errors" name="Errors" stackId="r" fill="var(--color-red-600)" />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">
        {total} requests over {daily.length} days, per UTC day.
      </figcaption>
    </figure>
  );
}
