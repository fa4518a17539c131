/** Load over real HTTP with autocannon (as a library, from the bench process, not the server's). */
import autocannon from "autocannon";

export type Load = {
  requests: number;
  seconds: number;
  reqPerSec: number;
  /** Every response time in ms (autocannon's histogram keeps whole ms; these keep µs). */
  latencies: number[];
  statuses: Record<string, number>;
  errors: number;
};

export type LoadOptions = {
  url: string;
  connections: number;
  /** Seconds, or a fixed number of requests with `amount`. */
  duration?: number;
  amount?: number;
  /** Cycled through, one per request. */
  keys?: readonly string[];
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** Request bodies, cycled through, one per request. */
  bodies?: readonly string[];
};

export async function load(options: LoadOptions): Promise<Load> {
  let i = 0;
  const { keys, bodies } = options;
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 5 }),
    requests: [
      {
        method: options.method ?? "GET",
        setupRequest: (request) => {
          const n = i++;
          return {
            ...request,
            headers: {
              ...options.headers,
              ...(keys ? { "x-api-key": keys[n % keys.length] as string } : {}),
            },
            ...(bodies ? { body: bodies[n % bodies.length] } : {}),
          };
        },
      },
    ],
  });
  const latencies: number[] = [];
  instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
  const started = performance.now();
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statuses[code] = count;
  return {
    requests: latencies.length,
    seconds,
    reqPerSec: latencies.length / seconds,
    latencies,
    statuses,
    errors: result.errors + result.timeouts,
  };
}

/** Several loads as one: requests over total time, percentiles over every response. */
export function combine(loads: readonly Load[]): Load {
  const statuses: Record<string, number> = {};
  for (const l of loads) {
    for (const [code, n] of Object.entries(l.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  }
  const requests = loads.reduce((s, l) => s + l.requests, 0);
  const seconds = loads.reduce((s, l) => s + l.seconds, 0);
  return {
    requests,
    seconds,
    reqPerSec: requests / seconds,
    latencies: loads.flatMap((l) => l.latencies),
    statuses,
    errors: loads.reduce((s, l) => s + l.errors, 0),
  };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
