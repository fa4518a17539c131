import { expect, it } from "vitest";
import { recordSignInFailure, recordSignInSuccess, signInRetryAfter } from "./sign-in-throttle";

it("blocks an email after 10 failures, then a success elsewhere does not unblock the IP", async () => {
  const email = "victim@example.com";
  for (let i = 0; i < 10; i++) {
    expect(await signInRetryAfter(email, "198.51.100.1")).toBe(0);
    await recordSignInFailure(email, "198.51.100.1");
  }
  expect(await signInRetryAfter(email, "198.51.100.2")).toBeGreaterThan(0);
  expect(await signInRetryAfter("Victim@Example.com ", "198.51.100.3")).toBeGreaterThan(0);
  expect(await signInRetryAfter("other@example.com", "198.51.100.2")).toBe(0);
  await recordSignInSuccess(email);
  expect(await signInRetryAfter(email, "198.51.100.2")).toBe(0);
});

it("blocks an IP after 50 failures across emails", async () => {
  for (let i = 0; i < 50; i++) await recordSignInFailure(`u${i}@example.com`, "203.0.113.50");
  expect(await signInRetryAfter("fresh@example.com", "203.0.113.50")).toBeGreaterThan(0);
  expect(await signInRetryAfter("fresh@example.com", "203.0.113.51")).toBe(0);
});

it("keeps working in memory when Redis is unreachable", async () => {
  const { Redis } = await import("ioredis");
  const { createLimiter } = await import("@/lib/limiter");
  const dead = new Redis("redis://127.0.0.1:1", {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  const limiter = createLimiter({ keyPrefix: "t_dead", points: 2, duration: 60 }, dead);
  await limiter.consume("k");
  await limiter.consume("k");
  await expect(limiter.consume("k")).rejects.toMatchObject({ remainingPoints: 0 });
  dead.disconnect();
});
