import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageBuffer, type UsageEvent } from "./usage.ts";
import type { UsageBatch } from "./usage-sql.ts";

const writeUsage = vi.fn(async (_batch: UsageBatch) => {});
const MINUTE = 1_700_000_040_000; // the start of a minute

const event = (patch: Partial<UsageEvent> = {}): UsageEvent => ({
  keyId: "k1",
  organizationId: "o1",
  method: "GET",
  endpoint: "/api/v1/me",
  status: 200,
  durationMs: 5,
  at: MINUTE + 1_000,
  verified: true,
  ...patch,
});

/** Each write's buckets, last uses and rate-limited keys, in that order. */
const writes = () =>
  writeUsage.mock.calls.map(([batch]) => [batch.buckets, batch.lastUsed, batch.rateLimited]);

afterEach(() => {
  vi.useRealTimers();
  vi.mocked(writeUsage).mockReset();
  vi.mocked(writeUsage).mockImplementation(async () => {});
});

describe("UsageBuffer", () => {
  it("counts per key, minute, method, endpoint and status class, with the route's scopes", async () => {
    const buffer = new UsageBuffer({ write: writeUsage, flushMs: 60_000 });
    buffer.record(event({ scopes: ["customers:read"] }));
    buffer.record(event({ status: 204, durationMs: 7, at: MINUTE + 59_999 }));
    buffer.record(event({ status: 404, at: MINUTE + 60_000 }));
    buffer.record(event({ method: "POST", status: 201 }));
    buffer.record(event({ endpoint: "/api/v1/customers" }));
    buffer.record(event({ keyId: "k2", organizationId: "o2" }));
    expect(buffer.pending).toBe(5);
    await buffer.flush();
    const [[buckets, lastUsed, rateLimited]] = writes() as never as [
      [unknown[], [string, number][], unknown[]],
    ];
    const base = {
      keyId: "k1",
      organizationId: "o1",
      minute: MINUTE,
      method: "GET",
      endpoint: "/api/v1/me",
      statusClass: 200,
    };
    expect(buckets).toEqual([
      { ...base, requests: 2, totalMs: 12, scopes: ["customers:read"] },
      { ...base, minute: MINUTE + 60_000, statusClass: 400, requests: 1, totalMs: 5, scopes: [] },
      { ...base, method: "POST", requests: 1, totalMs: 5, scopes: [] },
      { ...base, endpoint: "/api/v1/customers", requests: 1, totalMs: 5, scopes: [] },
      { ...base, keyId: "k2", organizationId: "o2", requests: 1, totalMs: 5, scopes: [] },
    ]);
    expect(lastUsed).toEqual([
      ["k1", MINUTE + 60_000],
      ["k2", MINUTE + 1_000],
    ]);
    expect(rateLimited).toEqual([]);
    expect(buffer.pending).toBe(0);
  });

  it("moves last use only forward and only for verified requests", async () => {
    const buffer = new UsageBuffer({ write: writeUsage, flushMs: 60_000 });
    buffer.record(event({ at: MINUTE + 5_000 }));
    buffer.record(event({ at: MINUTE + 2_000 }));
    buffer.record(event({ at: MINUTE + 9_000, verified: false, status: 403 }));
    buffer.record(event({ keyId: "k2", verified: false, status: 401 }));
    await buffer.flush();
    expect(writes()[0]?.[1]).toEqual([["k1", MINUTE + 5_000]]);
  });

  it("queues one rate-limit event per key and minute, for refused requests answered 429 only", async () => {
    const buffer = new UsageBuffer({ write: writeUsage, flushMs: 60_000 });
    buffer.record(event({ verified: false, status: 429, rateLimited: true }));
    buffer.record(event({ verified: false, status: 429, rateLimited: true, at: MINUTE + 30_000 }));
    buffer.record(event({ verified: false, status: 429, rateLimited: true, at: MINUTE + 61_000 }));
    buffer.record(event({ keyId: "k2", verified: false, status: 403 }));
    buffer.record(event({ keyId: "k3", verified: true, status: 429 }));
    await buffer.flush();
    expect(writes()[0]?.[2]).toEqual([
      { keyId: "k1", minute: MINUTE },
      { keyId: "k1", minute: MINUTE + 60_000 },
    ]);
  });

  it("writes nothing when there is nothing to write", async () => {
    const buffer = new UsageBuffer({ write: writeUsage, flushMs: 60_000 });
    await buffer.flush();
    expect(writeUsage).not.toHaveBeenCalled();
  });

  it("writes refused-only traffic, which has counts but no last use", async () => {
    const buffer = new UsageBuffer({ write: writeUsage, flushMs: 60_000 });
    buffer.record(event({ verified: false, status: 403 }));
    await buffer.flush();
    expect(writeUsage).toHaveBeenCalledTimes(1);
  });

  it("flushes early at maxBuckets, and at 10 000 buckets by default", async () => {
    const small = new UsageBuffer({ write: writeUsage, flushMs: 60_000, maxBuckets: 2 });
    small.record(event());
    expect(writeUsage).not.toHaveBeenCalled();
    small.record(event({ endpoint: "/other" }));
    expect(writeUsage).toHaveBeenCalledTimes(1);

    const buffer = new UsageBuffer({ write: writeUsage, flushMs: 60_000 });
    for (let i = 0; i < 9_999; i++) buffer.record(event({ endpoint: `/e${i}` }));
    expect(writeUsage).toHaveBeenCalledTimes(1);
    buffer.record(event({ endpoint: "/last" }));
    expect(writeUsage).toHaveBeenCalledTimes(2);
  });

  it("lets a flush that starts during another wait for it, then write what came in meanwhile", async () => {
    let release: () => void = () => {};
    vi.mocked(writeUsage).mockImplementationOnce(
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    const buffer = new UsageBuffer({ write: writeUsage, flushMs: 60_000 });
    buffer.record(event());
    const first = buffer.flush();
    buffer.record(event({ keyId: "k2" }));
    const second = buffer.flush();
    await Promise.resolve();
    expect(writeUsage).toHaveBeenCalledTimes(1);
    release();
    await Promise.all([first, second]);
    expect(writeUsage.mock.calls.map(([batch]) => batch.buckets.map((b) => b.keyId))).toEqual([
      ["k1"],
      ["k2"],
    ]);
  });

  it("puts the counts, last use and rate-limit events of a failed write back, merged with new ones", async () => {
    const failure = new Error("db down");
    vi.mocked(writeUsage).mockRejectedValueOnce(failure);
    const errors: unknown[] = [];
    const buffer = new UsageBuffer({
      write: writeUsage,
      flushMs: 60_000,
      onError: (e) => errors.push(e),
    });
    buffer.record(event({ at: MINUTE + 9_000 }));
    buffer.record(event({ at: MINUTE + 9_000 }));
    buffer.record(event({ keyId: "k2", at: MINUTE + 9_000 }));
    buffer.record(event({ keyId: "k3", verified: false, status: 429, rateLimited: true }));
    await buffer.flush();
    expect(errors).toEqual([failure]);
    expect(buffer.pending).toBe(3);
    buffer.record(event({ at: MINUTE + 3_000 }));
    buffer.record(event({ keyId: "k2", at: MINUTE + 12_000 }));
    await buffer.flush();
    const [, [buckets, lastUsed, rateLimited]] = writes() as never as [
      unknown,
      [{ keyId: string; requests: number; totalMs: number }[], [string, number][], unknown[]],
    ];
    expect(buckets.map((b) => [b.keyId, b.requests, b.totalMs])).toEqual([
      ["k1", 3, 15],
      ["k2", 2, 10],
      ["k3", 1, 5],
    ]);
    expect(Object.fromEntries(lastUsed)).toEqual({ k1: MINUTE + 9_000, k2: MINUTE + 12_000 });
    expect(rateLimited).toEqual([{ keyId: "k3", minute: MINUTE }]);
    expect(buffer.pending).toBe(0);
  });

  it("merges a failed write's counts with requests recorded while it ran, keeping the latest use", async () => {
    let fail: (error: Error) => void = () => {};
    vi.mocked(writeUsage).mockImplementationOnce(
      () => new Promise<void>((_resolve, reject) => (fail = reject)),
    );
    const buffer = new UsageBuffer({ write: writeUsage, flushMs: 60_000 });
    buffer.record(event({ at: MINUTE + 1_000 }));
    const flushing = buffer.flush();
    buffer.record(event({ at: MINUTE + 5_000, durationMs: 2 }));
    fail(new Error("db down"));
    await flushing;
    expect(buffer.pending).toBe(1);
    await buffer.flush();
    const [, [buckets, lastUsed]] = writes() as never as [
      unknown,
      [{ requests: number; totalMs: number }[], [string, number][]],
    ];
    expect(buckets.map((b) => [b.requests, b.totalMs])).toEqual([[2, 7]]);
    expect(lastUsed).toEqual([["k1", MINUTE + 5_000]]);
  });

  it("does not keep a failed flush's counts once the retry succeeded", async () => {
    vi.mocked(writeUsage).mockRejectedValueOnce(new Error("blip"));
    const buffer = new UsageBuffer({ write: writeUsage, flushMs: 60_000 });
    buffer.record(event());
    await buffer.flush();
    await buffer.flush();
    await buffer.flush();
    expect(writeUsage).toHaveBeenCalledTimes(2);
  });

  it("flushes every flushMs once started, on one unref'd timer, until stopped", async () => {
    vi.useFakeTimers();
    const buffer = new UsageBuffer({ write: writeUsage, flushMs: 1_000 });
    buffer.start();
    buffer.start();
    const timer = (buffer as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    buffer.record(event());
    await vi.advanceTimersByTimeAsync(999);
    expect(writeUsage).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(writeUsage).toHaveBeenCalledTimes(1);
    buffer.record(event());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(writeUsage).toHaveBeenCalledTimes(2);
    buffer.stop();
    buffer.record(event());
    await vi.advanceTimersByTimeAsync(5_000);
    expect(writeUsage).toHaveBeenCalledTimes(2);
    buffer.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(writeUsage).toHaveBeenCalledTimes(3);
  });
});
