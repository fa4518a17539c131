import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type ApiRoute = {
  /** e.g. /api/v1/api-keys/[id]/roll */
  pattern: string;
  method: string;
  /** Scopes passed to withApiKey, or null when the route takes no key. */
  scopes: string[] | null;
};

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith("[...") ? [] : routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/**
 * Every method of every /api/v1 route, read from the route files themselves, so a route added
 * tomorrow joins the security matrix without editing the test.
 */
export function apiRoutes(root = process.cwd()): ApiRoute[] {
  const base = path.join(root, "app/api/v1");
  const out: ApiRoute[] = [];
  for (const file of routeFiles(base)) {
    const source = readFileSync(file, "utf8");
    const pattern = `/api/v1/${path.relative(base, path.dirname(file)).split(path.sep).join("/")}`;
    const exports = [...source.matchAll(/export (?:const|async function|function) (\w+)\b/g)];
    exports.forEach((match, i) => {
      const method = match[1] as string;
      if (!METHODS.includes(method)) return;
      const body = source.slice(match.index, exports[i + 1]?.index ?? source.length);
      const keyed = /withApiKey\s*\(/.test(body);
      const scopes = /scopes:\s*\[([^\]]*)\]/.exec(body)?.[1];
      out.push({
        pattern,
        method,
        scopes: keyed
          ? [...(scopes ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1] as string)
          : null,
      });
    });
  }
  return out.sort((a, b) => `${a.pattern} ${a.method}`.localeCompare(`${b.pattern} ${b.method}`));
}

export const fill = (pattern: string, id: string) => pattern.replace(/\[[^\]]+\]/g, id);
export const hasParam = (pattern: string) => /\[[^\]]+\]/.test(pattern);
