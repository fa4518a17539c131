import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const { disableIdleKeys } = vi.hoisted(() => ({ disableIdleKeys: vi.fn() }));
vi.mock("@/db", () => ({ getDb: () => "db" }));
vi.mock("@/lib/keys/service/idle", () => ({ disableIdleKeys }));

const { startKeyPolicySweep } = await import("./policy-sweep");

const MINUTE = 60_000;

describe("the idle-key sweep", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-06-01T00:00:00Z") });
    disableIdleKeys.mockResolvedValue([]);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    disableIdleKeys.mockReset();
  });

  it("runs soon after start (at most 30 s), then every interval, until stopped", async () => {
    const stop = startKeyPolicySweep({ intervalMs: 60 * MINUTE });
    await vi.advanceTimersByTimeAsync(30_000 - 1);
    expect(disableIdleKeys).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(disableIdleKeys).toHaveBeenCalledTimes(1);
    expect(disableIdleKeys).toHaveBeenCalledWith("db", new Date("2026-06-01T00:00:30Z"));
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(disableIdleKeys).toHaveBeenCalledTimes(2);
    stop();
    await vi.advanceTimersByTimeAsync(120 * MINUTE);
    expect(disableIdleKeys).toHaveBeenCalledTimes(2);
  });

  it("runs first after one interval when that is shorter, and stopping early cancels it", async () => {
    const stop = startKeyPolicySweep({ intervalMs: 5_000 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(disableIdleKeys).toHaveBeenCalledTimes(2);
    stop();
    const early = startKeyPolicySweep({ intervalMs: 5_000 });
    early();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(disableIdleKeys).toHaveBeenCalledTimes(2);
  });

  it("uses the injected clock and says how many keys it disabled", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    const at = new Date("2027-01-01T00:00:00Z");
    disableIdleKeys.mockResolvedValueOnce([]).mockResolvedValueOnce([{ id: "a" }, { id: "b" }]);
    const stop = startKeyPolicySweep({ intervalMs: 40_000, now: () => at });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(disableIdleKeys).toHaveBeenLastCalledWith("db", at);
    expect(info).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(info).toHaveBeenCalledExactlyOnceWith("[latchkey] key policy: disabled 2 unused key(s)");
    stop();
  });

  it("reports a failed run to onError, or logs it, and keeps running", async () => {
    const error = new Error("database gone");
    const onError = vi.fn();
    disableIdleKeys.mockRejectedValue(error);
    const stop = startKeyPolicySweep({ intervalMs: 40_000, onError });
    await vi.advanceTimersByTimeAsync(40_000);
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError).toHaveBeenCalledWith(error);
    stop();

    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const stopLogged = startKeyPolicySweep({ intervalMs: 40_000 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(logged).toHaveBeenCalledWith("[latchkey] key policy sweep failed", error);
    stopLogged();
  });
});
