import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "—";

export type Row = {
  section: string;
  metric: string;
  value: string;
  target?: string;
  met?: boolean;
};

export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** One Markdown table, so the README can carry it as printed. */
export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.section,
    r.metric,
    r.value,
    r.target ?? "",
    r.met === undefined ? "" : r.met ? "met" : "**missed**",
  ]);
  const header = ["", "measure", "result", "target", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

export function printTable(rows: readonly Row[]): void {
  console.info(`\n${formatTable(rows)}`);
}

export function writeResults(
  db: string,
  quick: boolean,
  rows: readonly Row[],
  results: Record<string, unknown>,
  startedMachine: ReturnType<typeof machine>,
): string {
  mkdirSync("bench/results", { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  // A second run of the same day never replaces a committed one: it gets -2, -3…
  const stem = `bench/results/${date}-${db}${quick ? "-quick" : ""}`;
  let file = `${stem}.json`;
  for (let n = 2; existsSync(file); n++) file = `${stem}-${n}.json`;
  const body = {
    date: new Date().toISOString(),
    db,
    quick,
    command: `${db === "postgres" ? "DATABASE_URL=postgres://… " : ""}npm run bench${quick ? " -- --quick" : ""}`,
    machine: startedMachine,
    table: rows,
    results,
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  // In the repository's format, so committing a run keeps `npm run lint` green.
  spawnSync("npx", ["biome", "format", "--write", file], { stdio: "ignore" });
  return file;
}
