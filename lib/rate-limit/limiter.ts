import { connectRedis } from "@latchkey/verify/limiter";
import type { Redis } from "ioredis";
import { env } from "@/lib/env";
import { processGlobal } from "@/shared/process-global";

export {
  connectRedis,
  createLimiter,
  type Limiter,
  RateLimiterRes,
  retryAfterSeconds,
  spend,
} from "@latchkey/verify/limiter";

const redisHolder = processGlobal("redis", () => ({ client: undefined as Redis | undefined }));

/** The process's Redis client for REDIS_URL, or undefined when limits stay in memory. */
export function getRedis(url: string | undefined = env().REDIS_URL): Redis | undefined {
  if (!url) return undefined;
  redisHolder.client ??= connectRedis(url);
  return redisHolder.client;
}
