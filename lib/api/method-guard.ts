import type { IncomingMessage, ServerResponse } from "node:http";
import { allowHeader, HTTP_METHODS, type HttpMethod } from "@/lib/api/methods";
import { operations } from "@/lib/api/operations";
import { writeProblem } from "@/lib/api/problem";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** The methods Next.js routes. Any other fails there: TRACE with a 500, PROPFIND with a page. */
const ROUTABLE = new Set<string>([...HTTP_METHODS, "OPTIONS"]);

/** Each /api/v1 route with its `Allow`, from the operations (which match the route files). */
const API_ROUTES = (() => {
  const methods = new Map<string, HttpMethod[]>();
  for (const op of operations) {
    methods.set(op.path, [...(methods.get(op.path) ?? []), op.method.toUpperCase() as HttpMethod]);
  }
  return [...methods].map(([template, allowed]) => ({
    pattern: new RegExp(`^${template.replaceAll(".", "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`),
    allow: allowHeader(allowed),
  }));
})();

/** What pages, server actions and Auth.js are reached with. */
export const PAGE_ALLOW = "GET, HEAD, POST";

/**
 * Answers, before Next.js, what it cannot route: a method outside GET, HEAD, OPTIONS, POST, PUT,
 * PATCH and DELETE gets 405 problem+json with `Allow` (404 on an unknown /api/v1 path), and
 * /api/v1 itself, which no route serves, gets 404 problem+json like any unknown API path.
 */
export function withMethodGuard(listener: Listener): Listener {
  return (req, res) => {
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0] as string;
    if (path === "/api/v1" || path === "/api/v1/") {
      return writeProblem(res, 404, "not_found", `No route at ${path}.`);
    }
    if (ROUTABLE.has(method)) return listener(req, res);
    const allow = path.startsWith("/api/v1/")
      ? API_ROUTES.find((route) => route.pattern.test(path))?.allow
      : PAGE_ALLOW;
    if (!allow) return writeProblem(res, 404, "not_found", `No route at ${path}.`);
    writeProblem(res, 405, "method_not_allowed", `${method} is not allowed here; use ${allow}.`, {
      Allow: allow,
    });
  };
}
