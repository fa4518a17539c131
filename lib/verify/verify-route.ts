/**
 * POST /api/v1/keys/verify, framework-free: the decision another service of the organization asks
 * for, about a key its client sent. Next's route handler and server.ts's fast path are thin glue
 * around `answerVerify`, so both answer exactly the same.
 */
import { rateLimitHeaders, refusalResponse } from "@latchkey/verify/decide";
import { describeError, readCredential, usageName } from "@latchkey/verify/http";
import type { VerifyRuntime } from "@latchkey/verify/runtime";
import { UNAVAILABLE, verdictOf } from "@latchkey/verify/verdict";
import type { VerifyResult } from "@latchkey/verify/verifier";
import { type Failure, MAX_BODY_BYTES, parseJsonBytes, unsupportedMediaType } from "@/lib/api/body";
import { problem } from "@/lib/api/problem";
import { VERIFY_ENDPOINT, verifyKeyBody } from "@/lib/api/public-schemas";
import { getClientIp } from "@/lib/net/client-ip";

export { usageName } from "@latchkey/verify/http";

export const VERIFY_PATH = "/api/v1/keys/verify";

export type VerifyRouteRequest = {
  headers: Pick<Headers, "get">;
  /** The body, refused (413) once it passes `limit` bytes, without reading on. */
  readBody(limit: number): Promise<{ ok: true; bytes: Uint8Array } | Failure>;
};

/** An answer either glue can send as it is. */
export type Reply = { status: number; headers: Record<string, string>; body: string };

type Runtime = Pick<VerifyRuntime, "decide">;

export async function answerVerify(runtime: Runtime, request: VerifyRouteRequest): Promise<Reply> {
  // The caller's own key: the same check as any route of the app's, usage included.
  const caller = await runtime.decide({
    key: readCredential(request.headers),
    scopes: ["keys:verify"],
    clientIp: getClientIp(request.headers),
    method: "POST",
    endpoint: VERIFY_PATH,
  });
  let reply: Reply;
  try {
    reply = await answer(runtime, caller.result, request);
  } catch (error) {
    console.error("[latchkey] verify failed:", describeError(error));
    reply = await replyOf(problem(500, "internal_error", "Something went wrong on our side."));
  }
  caller.record(reply.status);
  return reply;
}

async function answer(
  runtime: Runtime,
  caller: VerifyResult,
  request: VerifyRouteRequest,
): Promise<Reply> {
  if (!caller.ok) {
    return caller.status === 503 ? unavailable() : replyOf(refusalResponse(caller));
  }
  const headers = caller.rateLimit ? rateLimitHeaders(caller.rateLimit) : {};
  const unsupported = unsupportedMediaType(request.headers.get("content-type"));
  if (unsupported) return replyOf(unsupported.response, headers);
  const read = await request.readBody(MAX_BODY_BYTES);
  if (!read.ok) return replyOf(read.response, headers);
  const parsed = parseJsonBytes(read.bytes, verifyKeyBody);
  if (!parsed.ok) return replyOf(parsed.response, headers);
  const body = parsed.data;

  const checked = await runtime.decide({
    key: body.key,
    scopes: body.scopes,
    clientIp: body.clientIp,
    ...usageName(body.endpoint ?? VERIFY_ENDPOINT),
    cost: body.cost ?? 1,
    // Another organization's key is unknown here: nothing of it is checked, spent or recorded.
    organizationId: caller.key.organizationId,
  });
  const { result } = checked;
  if (!result.ok && result.status === 503) return unavailable(headers);
  checked.record(result.ok ? 200 : result.status);
  return json(200, verdictOf(result), headers);
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { ...headers, "content-type": "application/json", "cache-control": "no-store" },
  body: JSON.stringify(body),
});

/** Fail closed, in the verdict's own shape, whichever key could not be looked up. */
const unavailable = (headers: Record<string, string> = {}) => json(503, UNAVAILABLE, headers);

async function replyOf(response: Response, extra: Record<string, string> = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...extra };
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body: await response.text() };
}

export function toResponse(reply: Reply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}
