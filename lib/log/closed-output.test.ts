import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";

/**
 * A child that logs every 5 ms and, like Next's server, logs uncaught exceptions, whose stderr
 * reader goes away at once. It reports how many uncaught exceptions it saw in 1 s.
 */
async function uncaughtWithClosedStderr(guarded: boolean): Promise<number> {
  const report = path.join(tmpdir(), `closed-output-${process.pid}-${guarded}.json`);
  rmSync(report, { force: true });
  const module = path.resolve("lib/log/closed-output.ts");
  const script = `
    import { writeFileSync } from "node:fs";
    ${guarded ? `const { ignoreClosedOutput } = await import(${JSON.stringify(module)}); ignoreClosedOutput();` : ""}
    let uncaught = 0;
    process.on("uncaughtException", (error) => {
      uncaught++;
      console.error(error);
    });
    setInterval(() => console.error("a log line"), 5);
    setTimeout(() => {
      writeFileSync(${JSON.stringify(report)}, JSON.stringify(uncaught));
      process.exit(0);
    }, 1000);
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.destroy();
  await new Promise((resolve) => child.once("exit", resolve));
  return JSON.parse(readFileSync(report, "utf8")) as number;
}

it("a closed stderr does not make the process spin logging its own write errors", async () => {
  // Unguarded, each failed write is an uncaught exception whose logging fails again, and again.
  expect(await uncaughtWithClosedStderr(false)).toBeGreaterThan(10);
  expect(await uncaughtWithClosedStderr(true)).toBe(0);
}, 20_000);
