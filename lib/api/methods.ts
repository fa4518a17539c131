import { problem } from "@/lib/api/problem";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * Handlers for every method a route does not serve: 405 problem+json with `Allow`, instead of
 * Next's bare 405. A route spreads the result into its exports:
 * `export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");`
 */
export function methodsNotAllowed(...allowed: HttpMethod[]) {
  const allow = allowHeader(allowed);
  const refuse = Object.assign(
    (request: Request) =>
      problem(405, "method_not_allowed", `${request.method} is not allowed here; use ${allow}.`, {
        headers: { Allow: allow },
      }),
    { methodNotAllowed: true as const },
  );
  return { GET: refuse, POST: refuse, PUT: refuse, PATCH: refuse, DELETE: refuse };
}

/** The `Allow` of a route serving `allowed`: HEAD with GET, and OPTIONS (Next answers it). */
export function allowHeader(allowed: readonly HttpMethod[]): string {
  return [...new Set<string>([...allowed, ...(allowed.includes("GET") ? ["HEAD"] : [])])]
    .concat("OPTIONS")
    .sort()
    .join(", ");
}
