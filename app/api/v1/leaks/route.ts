import type { NextRequest } from "next/server";
import { processGlobal } from "@/db/process-global";
import { parseJsonBody } from "@/lib/api/body";
import { methodsNotAllowed } from "@/lib/api/methods";
import { problem } from "@/lib/api/problem";
import { env } from "@/lib/env";
import { queueLeakReport } from "@/lib/keys/leak-intake";
import {
  leakCandidates,
  leakReportSchema,
  MAX_LEAK_REPORT_BYTES,
  reportedCount,
} from "@/lib/keys/leaks";
import { createLimiter, getRedis, RateLimiterRes, retryAfterSeconds } from "@/lib/limiter";
import { getClientIp } from "@/lib/net/client-ip";

/** Per client IP: generous for a scanner, too few to enumerate keys by timing or volume. */
export const LEAK_REPORTS_PER_MINUTE = 30;

const limiter = () =>
  processGlobal("leakLimiter", () =>
    createLimiter(
      { keyPrefix: "lk:leaks", points: LEAK_REPORTS_PER_MINUTE, duration: 60 },
      getRedis(),
    ),
  );

/**
 * Secret-scanning intake: anyone may report strings they found in public. The answer is always
 * 202 with the number of strings received — never whether one of them is a key.
 */
export async function POST(request: NextRequest): Promise<Response> {
  const ip = getClientIp(request.headers) ?? "unknown";
  try {
    await limiter().consume(ip);
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      const seconds = retryAfterSeconds(error.msBeforeNext);
      return problem(429, "rate_limited", "Too many leak reports; try again later.", {
        headers: { "Retry-After": String(seconds) },
      });
    }
    throw error;
  }
  const body = await parseJsonBody(request, leakReportSchema, { limit: MAX_LEAK_REPORT_BYTES });
  if (!body.ok) return body.response;
  queueLeakReport(leakCandidates(body.data, env().KEY_PREFIX));
  return Response.json(
    { received: reportedCount(body.data) },
    { status: 202, headers: { "cache-control": "no-store" } },
  );
}

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
