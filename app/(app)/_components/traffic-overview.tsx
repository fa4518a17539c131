import Link from "next/link";
import { RequestsChart } from "@/components/requests-chart";
import { Card } from "@/components/ui/card";
import type { TrafficWindow } from "@/db/queries/dashboard";
import { cn } from "@/lib/cn";

export const TRAFFIC_PERIODS = ["24h", "7d"] as const;
export type TrafficPeriod = (typeof TRAFFIC_PERIODS)[number];

const PERIOD_TEXT: Record<TrafficPeriod, { short: string; chart: string }> = {
  "24h": { short: "24 h", chart: "Requests per hour, last 24 hours" },
  "7d": { short: "7 d", chart: "Requests per day, last 7 days" },
};

const number = (n: number) => n.toLocaleString("en-US");
export const percent = (rate: number) =>
  `${(rate * 100).toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-md border border-zinc-200 p-3">
      <dt className="text-sm text-zinc-500">{label}</dt>
      <dd className="mt-1 text-xl font-semibold">{value}</dd>
    </div>
  );
}

/** Requests and error rate of all keys over 24 h and 7 d, and the chosen period as a chart. */
export function TrafficOverview({
  traffic,
  period,
}: {
  traffic: Record<TrafficPeriod, TrafficWindow>;
  period: TrafficPeriod;
}) {
  const shown = traffic[period];
  return (
    <Card className="p-5">
      <section aria-labelledby="traffic-heading" className="space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="traffic-heading" className="text-base font-semibold">
            Traffic
          </h2>
          <nav aria-label="Traffic period" className="flex gap-1 text-sm">
            {TRAFFIC_PERIODS.map((p) => (
              <Link
                key={p}
                href={`?period=${p}`}
                aria-current={p === period ? "page" : undefined}
                className={cn(
                  "rounded px-2 py-0.5",
                  p === period ? "bg-zinc-900 text-white" : "text-zinc-600 hover:bg-zinc-100",
                )}
              >
                {p}
              </Link>
            ))}
          </nav>
        </div>
        <dl className="grid grid-cols-2 gap-4 text-sm lg:grid-cols-4">
          {TRAFFIC_PERIODS.flatMap((p) => [
            <Stat
              key={`${p}-requests`}
              label={`Requests (${PERIOD_TEXT[p].short})`}
              value={number(traffic[p].requests)}
            />,
            <Stat
              key={`${p}-errors`}
              label={`Error rate (${PERIOD_TEXT[p].short})`}
              value={percent(traffic[p].errorRate)}
            />,
          ])}
        </dl>
        {shown.requests === 0 ? (
          <p className="text-sm text-zinc-500">
            No requests with this organization's keys in the last {PERIOD_TEXT[period].short}. Usage
            appears within a few seconds of a request.
          </p>
        ) : (
          <RequestsChart
            label={PERIOD_TEXT[period].chart}
            caption={`${number(shown.requests)} requests, ${number(shown.errors)} errors (${percent(shown.errorRate)}), per UTC ${period === "24h" ? "hour" : "day"}.`}
            data={shown.buckets.map((b) => ({
              label: period === "24h" ? b.at.slice(11, 16) : b.at.slice(5),
              requests: b.requests,
              errors: b.errors,
            }))}
          />
        )}
      </section>
    </Card>
  );
}
