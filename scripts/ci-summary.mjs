// Sums the vitest and Playwright JSON reports into CI's one summary line.
import { existsSync, readFileSync } from "node:fs";

const [status = "1", pglite = "1", cluster = ""] = process.argv.slice(2);
let passed = 0;
let failed = 0;
const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null);

for (const file of ["reports/vitest.json", "reports/vitest-pglite.json"]) {
  const report = read(file);
  if (!report) continue;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
}
const e2e = read("reports/e2e.json");
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected;
}
// A step that failed before reporting (lint, typecheck, build) still counts as a failure.
if ((status !== "0" || pglite !== "0") && failed === 0) failed = 1;
// `npm run cluster`, when it ran, is one check: every invariant of its table held, or not.
if (cluster === "0") passed += 1;
else if (cluster !== "") failed += 1;
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
process.exit(
  status === "0" && pglite === "0" && (cluster === "" || cluster === "0") && failed === 0 ? 0 : 1,
);
