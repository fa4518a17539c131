/**
 * POST /api/v1/keys/verify answered by server.ts itself, ahead of Next's router: the route's only
 * work is the verifier's, and Next's request handling costs ~100× what a cache hit does. Only
 * node:http glue lives here; the route is `answerVerify`, the same function Next's handler calls,
 * with the process's one runtime.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { declaredTooLarge, type Failure, tooLarge } from "@/lib/api/body";
import { problem, problemBody } from "@/lib/api/problem";
import { API_SECURITY_HEADERS, SECURITY_HEADERS } from "@/lib/net/security-headers";
import { getVerifyRuntime } from "./runtime";
import { answerVerify, type Reply, VERIFY_PATH } from "./verify-route";
import { describeError } from "./with-api-key";

const HEADERS = { ...SECURITY_HEADERS, ...API_SECURITY_HEADERS };

/** Whether the request is the verify route's (a query string does not change the route). */
export function isVerifyRequest(req: IncomingMessage): boolean {
  if (req.method !== "POST" || !req.url?.startsWith(VERIFY_PATH)) return false;
  return req.url.length === VERIFY_PATH.length || req.url[VERIFY_PATH.length] === "?";
}

/**
 * Answers the request when it is the verify route's and returns true; otherwise returns false and
 * leaves the request untouched for Next.
 */
export function verifyFastPath(req: IncomingMessage, res: ServerResponse): boolean {
  if (!isVerifyRequest(req)) return false;
  answerVerify(getVerifyRuntime(), {
    headers: { get: (name) => header(req, name) },
    readBody: (limit) => readBody(req, limit),
  })
    .then((reply) => send(req, res, reply))
    .catch((error) => {
      console.error("[latchkey] verify failed:", describeError(error));
      if (res.headersSent) return void res.end();
      const body = JSON.stringify(
        problemBody(500, "internal_error", "Something went wrong on our side."),
      );
      res.writeHead(500, { ...HEADERS, "content-type": "application/problem+json" });
      res.end(body);
    });
  return true;
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}

/** At most `limit` bytes: a longer body is refused, and the rest is never read. */
function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ ok: true; bytes: Uint8Array } | Failure> {
  if (declaredTooLarge(header(req, "content-length"), limit))
    return Promise.resolve(tooLarge(limit));
  if (req.destroyed) {
    return Promise.resolve({
      ok: false,
      response: problem(400, "bad_request", "The request body could not be read."),
    });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = (result: { ok: true; bytes: Uint8Array } | Failure) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        req.pause();
        return done(tooLarge(limit));
      }
      chunks.push(chunk);
    };
    const onEnd = () => done({ ok: true, bytes: Buffer.concat(chunks, total) });
    const onError = () =>
      done({
        ok: false,
        response: problem(400, "bad_request", "The request body could not be read."),
      });
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onError);
  });
}

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = {
    ...HEADERS,
    ...reply.headers,
    "content-length": Buffer.byteLength(reply.body),
  };
  // A body refused for its size is not read on: the connection cannot carry another request.
  const unread = reply.status === 413 && !req.complete;
  if (unread) headers.connection = "close";
  res.writeHead(reply.status, headers);
  res.end(reply.body, () => {
    if (unread) req.destroy();
  });
}
