import type { ServerResponse } from "node:http";

/** RFC 9457 problem details: the one shape of every error on the public API. */
export type ProblemCode =
  | "missing_key"
  | "invalid_key"
  | "key_disabled"
  | "key_revoked"
  | "key_expired"
  | "insufficient_scope"
  | "ip_not_allowed"
  | "rate_limited"
  | "usage_exceeded"
  | "verification_unavailable"
  | "invalid_body"
  | "validation_failed"
  | "not_found"
  | "bad_request"
  | "conflict"
  | "headers_too_large"
  | "method_not_allowed"
  | "payload_too_large"
  | "policy_violation"
  | "unsupported_media_type"
  | "internal_error";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  431: "Request Header Fields Too Large",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  [extra: string]: unknown;
};

export function problemBody(
  status: number,
  code: ProblemCode,
  detail: string,
  extra: Record<string, unknown> = {},
): Problem {
  return {
    type: `/docs/api#error-${code}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    code,
    ...extra,
  };
}

export function problem(
  status: number,
  code: ProblemCode,
  detail: string,
  options: { headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
): Response {
  const headers = new Headers(options.headers);
  headers.set("content-type", "application/problem+json");
  headers.set("cache-control", "no-store");
  if (status === 401) headers.set("www-authenticate", 'Bearer realm="api"');
  return new Response(JSON.stringify(problemBody(status, code, detail, options.extra)), {
    status,
    headers,
  });
}

/** The headers of a problem answered straight from node:http: what Next adds to /api responses. */
export const DIRECT_PROBLEM_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "application/problem+json",
  "Cache-Control": "no-store",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
};

/** A problem answered straight from node:http, before Next sees the request (server.ts's guards). */
export function writeProblem(
  res: ServerResponse,
  status: number,
  code: ProblemCode,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(problemBody(status, code, detail));
  res.writeHead(status, {
    ...DIRECT_PROBLEM_HEADERS,
    "Content-Length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/**
 * A whole HTTP/1.1 problem response, for writing on a socket that Node's ServerResponse does not
 * serve (or should not: see lib/net/body-limit.ts). It ends with `Connection: close`.
 */
export function rawProblemResponse(
  status: number,
  code: ProblemCode,
  detail: string,
  headers: Record<string, string> = {},
): string {
  const body = JSON.stringify(problemBody(status, code, detail));
  const all = {
    ...DIRECT_PROBLEM_HEADERS,
    "Content-Length": String(Buffer.byteLength(body)),
    ...headers,
    Connection: "close",
  };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${TITLES[status] ?? "Error"}\r\n${lines.join("")}\r\n${body}`;
}
