import { RequestsChart } from "@/components/requests-chart";

export function UsageChart({
  daily,
}: {
  daily: { date: string; requests: number; errors: number }[];
}) {
  const total = daily.reduce((n, d) => n + d.requests, 0);
  return (
    <RequestsChart
      label="Requests per day"
      data={daily.map((d) => ({ label: d.date.slice(5), requests: d.requests, errors: d.errors }))}
      caption={`${total} requests over ${daily.length} days, per UTC day.`}
    />
  );
}
