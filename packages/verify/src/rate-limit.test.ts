import type { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLimiter, RateLimiterRes } from "./limiter.ts";
import { FixedWindowKeyLimiter } from "./rate-limit.ts";

vi.mock("./limiter.ts", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./limiter.ts")>()),
  createLimiter: vi.fn(),
}));

afterEach(() => {
  vi.useRealTimers();
  vi.mocked(createLimiter).mockReset();
});

describe("FixedWindowKeyLimiter in memory", () => {
  it("allows the limit per window, counts down, and starts a new window exactly at its end", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = new FixedWindowKeyLimiter({ windowSeconds: 2 });
    const states = [];
    for (let i = 0; i < 3; i++) states.push(await limiter.consume("k", 2));
    expect(states).toEqual([
      { allowed: true, limit: 2, remaining: 1, reset: 2 },
      { allowed: true, limit: 2, remaining: 0, reset: 2 },
      { allowed: false, limit: 2, remaining: 0, reset: 2 },
    ]);
    vi.advanceTimersByTime(1_500);
    expect(await limiter.consume("k", 2)).toMatchObject({ allowed: false, reset: 1 });
    vi.advanceTimersByTime(500);
    expect(await limiter.consume("k", 2)).toEqual({
      allowed: true,
      limit: 2,
      remaining: 1,
      reset: 2,
    });
    expect(createLimiter).not.toHaveBeenCalled();
  });

  it("keeps keys apart and uses a minute window by default", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = new FixedWindowKeyLimiter();
    await limiter.consume("a", 1);
    expect(await limiter.consume("b", 1)).toEqual({
      allowed: true,
      limit: 1,
      remaining: 0,
      reset: 60,
    });
    vi.advanceTimersByTime(59_999);
    expect(await limiter.consume("a", 1)).toMatchObject({ allowed: false, reset: 1 });
  });

  it("starts a new window for a key whose window ended since the last sweep, and keeps running ones", async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new FixedWindowKeyLimiter({ windowSeconds: 1 });
    await limiter.consume("a", 1);
    vi.advanceTimersByTime(500);
    await limiter.consume("b", 1);
    vi.advanceTimersByTime(100);
    await limiter.consume("c", 1);
    vi.advanceTimersByTime(400);
    await limiter.consume("sweeper", 1); // the sweep at 1000 ms: b and c are still running
    vi.advanceTimersByTime(100);
    expect(await limiter.consume("c", 1)).toMatchObject({ allowed: false });
    vi.advanceTimersByTime(400);
    expect(await limiter.consume("b", 1)).toEqual({
      allowed: true,
      limit: 1,
      remaining: 0,
      reset: 1,
    });
  });

  it("forgets the windows of idle keys once a window has passed (bounded memory)", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = new FixedWindowKeyLimiter({ windowSeconds: 1 });
    for (let i = 0; i < 100; i++) await limiter.consume(`idle${i}`, 5);
    const windows = () =>
      (limiter as unknown as { memory: { windows: Map<string, unknown> } }).memory.windows.size;
    expect(windows()).toBe(100);
    vi.advanceTimersByTime(1_000);
    await limiter.consume("active", 5);
    expect(windows()).toBe(1);
  });
});

describe("FixedWindowKeyLimiter on Redis", () => {
  const redis = {} as Redis;
  const res = (remainingPoints: number, msBeforeNext: number) =>
    Object.assign(new RateLimiterRes(), { remainingPoints, msBeforeNext });

  it("builds one shared limiter per limit value, with its window and a per-limit prefix", async () => {
    const consume = vi.fn(async () => res(4, 30_500));
    vi.mocked(createLimiter).mockReturnValue({ consume } as never);
    const limiter = new FixedWindowKeyLimiter({ redis, windowSeconds: 30, keyPrefix: "p" });
    expect(await limiter.consume("k", 5)).toEqual({
      allowed: true,
      limit: 5,
      remaining: 4,
      reset: 31,
    });
    await limiter.consume("j", 5);
    await limiter.consume("k", 7);
    expect(vi.mocked(createLimiter).mock.calls).toEqual([
      [{ points: 5, duration: 30, keyPrefix: "p_5" }, redis],
      [{ points: 7, duration: 30, keyPrefix: "p_7" }, redis],
    ]);
    expect(consume.mock.calls).toEqual([["k"], ["j"], ["k"]]);
  });

  it("defaults to a minute and the lk_rl prefix, and reports a refusal with at least a second", async () => {
    vi.mocked(createLimiter).mockReturnValue({
      consume: async () => {
        throw res(-3, 200);
      },
    } as never);
    const limiter = new FixedWindowKeyLimiter({ redis });
    expect(await limiter.consume("k", 5)).toEqual({
      allowed: false,
      limit: 5,
      remaining: 0,
      reset: 1,
    });
    expect(createLimiter).toHaveBeenCalledWith(
      { points: 5, duration: 60, keyPrefix: "lk_rl_5" },
      redis,
    );
  });

  it("passes on errors that are not refusals", async () => {
    const failure = new Error("redis down");
    vi.mocked(createLimiter).mockReturnValue({
      consume: async () => {
        throw failure;
      },
    } as never);
    await expect(new FixedWindowKeyLimiter({ redis }).consume("k", 5)).rejects.toBe(failure);
  });
});
