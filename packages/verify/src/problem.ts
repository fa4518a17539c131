import type { RefusalCode } from "./refusals.ts";

/** RFC 9457 problem details: the one shape of every error on the public API. */
export type ProblemCode =
  | RefusalCode
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

export const TITLES: Record<number, string> = {
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
