// StrykerJS through its API, to print one summary line at the end.
// `npm run test:mutation -- --mutate lib/verify/verifier.ts` scopes a run.
import { Stryker } from "@stryker-mutator/core";

const args = process.argv.slice(2);
const options = {};
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--mutate") options.mutate = args[++i].split(",");
  if (args[i] === "--concurrency") options.concurrency = Number(args[++i]);
}
const results = await new Stryker(options).runMutationTest();
const killed = results.filter((r) => r.status === "Killed" || r.status === "Timeout").length;
const valid = results.filter(
  (r) => !["CompileError", "RuntimeError", "Ignored"].includes(r.status),
).length;
console.info(
  `[mutation] ${killed}/${valid} mutants killed (${((100 * killed) / Math.max(1, valid)).toFixed(1)} %)`,
);
