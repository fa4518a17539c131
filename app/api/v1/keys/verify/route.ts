import type { NextRequest } from "next/server";
import { readBodyBytes } from "@/lib/api/body";
import { methodsNotAllowed } from "@/lib/api/methods";
import { getVerifyRuntime } from "@/lib/verify/runtime";
import { answerVerify, toResponse } from "@/lib/verify/verify-route";

/**
 * The decision for a request another service of the organization received (lib/verify/
 * verify-route.ts). server.ts answers this route itself ahead of Next; this handler serves it
 * when that fast path is off, with the very same code.
 */
export async function POST(request: NextRequest): Promise<Response> {
  return toResponse(
    await answerVerify(getVerifyRuntime(), {
      headers: request.headers,
      readBody: (limit) => readBodyBytes(request, limit),
    }),
  );
}

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
