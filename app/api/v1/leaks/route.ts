import type { NextRequest } from "next/server";
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
import { getClientIp } from "@/lib/net/client-ip";
import { consumeLeakReport } from "@/lib/rate-limit/leak-reports";

/**
 * Secret-scanning intake: anyone may report strings they found in public. The answer is always
 * 202 with the number of strings received — never whether one of them is a key.
 */
export async function POST(request: NextRequest): Promise<Response> {
  const ip = getClientIp(request.headers) ?? "unknown";
  const seconds = await consumeLeakReport(ip);
  if (seconds > 0) {
    return problem(429, "rate_limited", "Too many leak reports; try again later.", {
      headers: { "Retry-After": String(seconds) },
    });
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
