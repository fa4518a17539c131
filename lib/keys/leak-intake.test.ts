import { afterEach, describe, expect, it, vi } from "vitest";
import type { LeakCandidate } from "./leaks";

const { applyLeakReport } = vi.hoisted(() => ({ applyLeakReport: vi.fn() }));
vi.mock("@/db", () => ({ getDb: () => "db" }));
vi.mock("@/lib/keys/service/leak", () => ({ applyLeakReport }));

const { queueLeakReport, settleLeakReports } = await import("./leak-intake");

const candidate = (hash: string): LeakCandidate => ({ hash, url: null, source: null });

describe("leak report queue", () => {
  afterEach(() => {
    applyLeakReport.mockReset();
    vi.restoreAllMocks();
  });

  it("acts on reports one at a time, in the order received", async () => {
    const log: string[] = [];
    applyLeakReport.mockImplementation(async (_db, candidates: LeakCandidate[]) => {
      const hash = candidates[0]?.hash ?? "";
      log.push(`start ${hash}`);
      await new Promise((resolve) => setTimeout(resolve, hash === "a" ? 20 : 0));
      log.push(`end ${hash}`);
      return [];
    });
    queueLeakReport([candidate("a")]);
    queueLeakReport([candidate("b")]);
    expect(log).toEqual([]);
    await settleLeakReports();
    expect(log).toEqual(["start a", "end a", "start b", "end b"]);
    expect(applyLeakReport).toHaveBeenCalledWith("db", [candidate("a")]);
  });

  it("queues nothing for a report without candidates", async () => {
    queueLeakReport([]);
    await settleLeakReports();
    expect(applyLeakReport).not.toHaveBeenCalled();
  });

  it("logs a failed report and goes on with the next one", async () => {
    const error = new Error("database gone");
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    applyLeakReport.mockRejectedValueOnce(error).mockResolvedValueOnce([]);
    queueLeakReport([candidate("a")]);
    queueLeakReport([candidate("b")]);
    await expect(settleLeakReports()).resolves.toBeUndefined();
    expect(logged).toHaveBeenCalledWith("[latchkey] leak report failed:", "Error: database gone");
    expect(applyLeakReport).toHaveBeenCalledTimes(2);
  });
});
