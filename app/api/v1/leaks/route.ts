import type { NextRequest } from "next/server";
import { processGlobal } from "@/db/process-global";
import { readLimitedText } from "@/lib/api/limited-body";
import { problem } from "@/lib/api/problem";
import { env } from "@/lib/env";
import { queueLeakReport } from "@/lib/keys/leak-intake";
import {
  leakCandidates,
  leakReportSchema,
  MAX_LEAK_REPORT_BYTES,
  reportedCount,
} from "@/lib/keys/leaks";
import { createLimiter, getRedis, RateLimiterRes } from "@/lib/limiter";
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
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      return problem(429, "rate_limited", "Too many leak reports; try again later.", {
        headers: { "Retry-After": String(seconds) },
      });
    }
    throw error;
  }
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    return problem(415, "unsupported_media_type", "Send the report as application/json.");
  }
  const body = await readLimitedText(request, MAX_LEAK_REPORT_BYTES);
  if (!body.ok) {
    return problem(413, "payload_too_large", "A leak report may be at most 64 KiB.");
  }
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    return problem(400, "invalid_body", "The request body must be valid JSON.");
  }
  const parsed = leakReportSchema.safeParse(json);
  if (!parsed.success) {
    return problem(
      400,
      "validation_failed",
      'Send {"keys": ["…"]} (at most 100) or a list of {"token", "type", "url", "source"}.',
      {
        extra: {
          errors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        },
      },
    );
  }
  queueLeakReport(leakCandidates(parsed.data, env().KEY_PREFIX));
  return Response.json(
    { received: reportedCount(parsed.data) },
    { status: 202, headers: { "cache-control": "no-store" } },
  );
}
