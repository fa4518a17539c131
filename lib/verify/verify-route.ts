/**
 * POST /api/v1/keys/verify, framework-free: the decision another service of the organization asks
 * for, about a key its client sent. Next's route handler and server.ts's fast path are thin glue
 * around `answerVerify`, so both answer exactly the same.
 */
import { type Failure, MAX_BODY_BYTES, parseJsonBytes, unsupportedMediaType } from "@/lib/api/body";
import { problem } from "@/lib/api/problem";
import { VERIFY_ENDPOINT, verifyKeyBody } from "@/lib/api/public-schemas";
import { getClientIp } from "@/lib/net/client-ip";
import { decide, rateLimitHeaders, refusalResponse } from "./decide";
import type { UsageBuffer } from "./usage";
import type { Verifier, VerifyResult } from "./verifier";
import { describeError, readCredential } from "./with-api-key";

export const VERIFY_PATH = "/api/v1/keys/verify";

export type VerifyRouteRequest = {
  headers: Pick<Headers, "get">;
  /** The body, refused (413) once it passes `limit` bytes, without reading on. */
  readBody(limit: number): Promise<{ ok: true; bytes: Uint8Array } | Failure>;
};

/** An answer either glue can send as it is. */
export type Reply = { status: number; headers: Record<string, string>; body: string };

type Runtime = { verifier: Verifier; usage: UsageBuffer };

export async function answerVerify(runtime: Runtime, request: VerifyRouteRequest): Promise<Reply> {
  // The caller's own key: the same check as any route of the app's, usage included.
  const caller = await decide(runtime, {
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

  const checked = await decide(runtime, {
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
  return json(200, verdict(result), headers);
}

/** "GET /v1/things" is recorded as method GET on /v1/things, like the app's own routes. */
export function usageName(endpoint: string): { method: string; endpoint: string } {
  const match = /^([A-Z]{1,16}) (\S.*)$/.exec(endpoint);
  return match
    ? { method: match[1] as string, endpoint: match[2] as string }
    : { method: "", endpoint };
}

function verdict(result: VerifyResult) {
  const { key } = result;
  if (!key) {
    // No key, a malformed or unknown one, or another organization's: nothing to say about it.
    return {
      valid: false,
      code: "invalid_key",
      keyId: null,
      organizationId: null,
      name: null,
      scopes: [],
      environment: null,
      expiresAt: null,
      rateLimit: null,
      credits: null,
    };
  }
  const rateLimit = result.rateLimit ?? null;
  return {
    valid: result.ok,
    code: result.ok ? "valid" : result.code,
    keyId: key.id,
    organizationId: key.organizationId,
    name: key.name,
    scopes: key.scopes,
    environment: key.environment,
    expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
    rateLimit: rateLimit && {
      limit: rateLimit.limit,
      remaining: rateLimit.remaining,
      reset: rateLimit.reset,
    },
    credits: null,
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { ...headers, "content-type": "application/json", "cache-control": "no-store" },
  body: JSON.stringify(body),
});

/** Fail closed, in the verdict's own shape, whichever key could not be looked up. */
const unavailable = (headers: Record<string, string> = {}) =>
  json(503, { valid: false, code: "verification_unavailable" }, headers);

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
