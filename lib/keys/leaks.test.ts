import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey } from "./format";
import { errorSummary, leakCandidates, leakReportSchema, reportedCount } from "./leaks";

const ours = generateApiKey("lk", "live").key;
const oursTest = generateApiKey("lk", "test").key;
// Well-formed, valid checksum, but another product's prefix.
const foreign = generateApiKey("acme", "live").key;
const typo = `${ours.slice(0, -1)}${ours.endsWith("0") ? "1" : "0"}`;

describe("leak report intake", () => {
  it("counts every reported string, in either shape, whatever it is", () => {
    expect(reportedCount(leakReportSchema.parse({ keys: [ours, "x", "x"] }))).toBe(3);
    expect(
      reportedCount(leakReportSchema.parse([{ token: "nope" }, { token: ours }, { token: "x" }])),
    ).toBe(3);
    expect(reportedCount(leakReportSchema.parse([{ token: "only" }]))).toBe(1);
  });

  it("keeps only our keys with a valid checksum, once each, trimmed", () => {
    const body = leakReportSchema.parse({
      keys: [`  ${ours}\n`, foreign, typo, "lk_live_short", ours, oursTest],
      url: "https://example.com/leak",
      source: "gitleaks",
    });
    expect(leakCandidates(body, "lk")).toEqual([
      { hash: hashApiKey(ours), url: "https://example.com/leak", source: "gitleaks" },
      { hash: hashApiKey(oursTest), url: "https://example.com/leak", source: "gitleaks" },
    ]);
    // Under another product prefix only that product's keys are candidates.
    expect(leakCandidates(body, "acme")).toEqual([
      { hash: hashApiKey(foreign), url: "https://example.com/leak", source: "gitleaks" },
    ]);
    expect(leakCandidates(leakReportSchema.parse({ keys: [typo, foreign] }), "lk")).toEqual([]);
  });

  it("carries each GitHub entry's own url and source, null when missing", () => {
    const body = leakReportSchema.parse([
      { token: ours, type: "latchkey_api_key", url: "https://gist.github.com/x", source: "gist" },
      { token: ` ${oursTest} ` },
      { token: ours, url: "https://example.com/again", source: "commit" },
    ]);
    expect(leakCandidates(body, "lk")).toEqual([
      { hash: hashApiKey(ours), url: "https://gist.github.com/x", source: "gist" },
      { hash: hashApiKey(oursTest), url: null, source: null },
    ]);
  });

  it("reports a list without url and source as null, not undefined", () => {
    const [candidate] = leakCandidates(leakReportSchema.parse({ keys: [ours] }), "lk");
    expect(candidate).toStrictEqual({ hash: hashApiKey(ours), url: null, source: null });
  });

  it("cleans what a report says around a key instead of refusing the report", () => {
    const body = leakReportSchema.parse([
      { token: ours, url: "https://x.test/\u0000a\ud800b", source: "gi\u0007st\udfff" },
      { token: oursTest, url: "\u0000", source: 42, type: { nested: true } },
      { token: "y".repeat(300), url: `https://x.test/${"u".repeat(5000)}` },
    ]);
    expect(reportedCount(body)).toBe(3);
    expect(leakCandidates(body, "lk")).toEqual([
      { hash: hashApiKey(ours), url: "https://x.test/ab", source: "gist" },
      { hash: hashApiKey(oursTest), url: null, source: null },
    ]);
    const long = leakReportSchema.parse({ keys: [ours], url: `${"é".repeat(2047)}🔑` });
    const [candidate] = leakCandidates(long, "lk");
    // Cut at 2,048 code units, through the emoji's surrogate pair: the lone half is dropped.
    expect(candidate?.url).toBe("é".repeat(2047));
    expect(candidate?.url?.isWellFormed()).toBe(true);
  });

  it("logs a failure without the query parameters a wrapped error carries", () => {
    const cause = Object.assign(new Error("unsupported Unicode escape sequence"), {
      name: "PostgresError",
    });
    const wrapped = new Error(`Failed query: update …\nparams: ${hashApiKey(ours)}`, { cause });
    expect(errorSummary(wrapped)).toBe("PostgresError: unsupported Unicode escape sequence");
    expect(errorSummary("text")).toBe("unknown error");
  });
});
