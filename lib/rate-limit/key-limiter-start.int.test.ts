import { FixedWindowKeyLimiter } from "@latchkey/verify/rate-limit";
import { Redis } from "ioredis";
import { expect, it } from "vitest";
import { connectRedis } from "@/lib/rate-limit/limiter";

const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(REDIS_TEST_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

// Instances that have just started (or restarted) in a cluster: their Redis clients are still
// connecting when the first requests arrive.
it("three freshly started instances share a key's limit from their very first request", async (ctx) => {
  if (!(await redisAnswers())) {
    return ctx.skip(`Redis is not reachable at ${REDIS_TEST_URL}: start it or set REDIS_TEST_URL.`);
  }
  const clients = [1, 2, 3].map(() => connectRedis(REDIS_TEST_URL));
  const keyPrefix = `lk_rl_start_${process.pid}_${Date.now()}`;
  try {
    const limiters = clients.map((redis) => new FixedWindowKeyLimiter({ redis, keyPrefix }));
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        (limiters[i % 3] as FixedWindowKeyLimiter).consume("key", 50),
      ),
    );
    expect(answers.filter((a) => a.allowed)).toHaveLength(50);
  } finally {
    for (const c of clients) c.disconnect();
  }
});
