import type { ServerResponse } from "node:http";
import { type ProblemCode, problemBody, TITLES } from "@latchkey/verify/problem";

export { type Problem, type ProblemCode, problem, problemBody } from "@latchkey/verify/problem";

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
