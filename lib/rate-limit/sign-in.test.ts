import { expect, it } from "vitest";
import { consumeSignInAttempt, recordSignInSuccess } from "./sign-in";

it("allows 10 attempts per email, then refuses from any IP until a success resets it", async () => {
  const email = "victim@example.com";
  for (let i = 0; i < 10; i++) expect(await consumeSignInAttempt(email, "198.51.100.1")).toBe(0);
  expect(await consumeSignInAttempt(email, "198.51.100.2")).toBeGreaterThan(0);
  expect(await consumeSignInAttempt("Victim@Example.com ", "198.51.100.3")).toBeGreaterThan(0);
  expect(await consumeSignInAttempt("other@example.com", "198.51.100.2")).toBe(0);
  await recordSignInSuccess(email, "198.51.100.2");
  expect(await consumeSignInAttempt(email, "198.51.100.2")).toBe(0);
});

it("lets exactly 10 of 30 simultaneous attempts for one email through", async () => {
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) => consumeSignInAttempt("burst@example.com", `192.0.2.${i}`)),
  );
  expect(results.filter((wait) => wait === 0)).toHaveLength(10);
});

it("refuses an IP after 50 attempts across emails", async () => {
  for (let i = 0; i < 50; i++) {
    expect(await consumeSignInAttempt(`u${i}@example.com`, "203.0.113.50")).toBe(0);
  }
  expect(await consumeSignInAttempt("fresh@example.com", "203.0.113.50")).toBeGreaterThan(0);
  expect(await consumeSignInAttempt("fresh2@example.com", "203.0.113.51")).toBe(0);
});

it("keeps working in memory when Redis is unreachable", async () => {
  const { Redis } = await import("ioredis");
  const { createLimiter } = await import("./limiter");
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
