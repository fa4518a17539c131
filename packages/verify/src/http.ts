/** What every HTTP adapter reads off a request the same way: the credential and the endpoint. */
import { redactApiKeys } from "./key-format.ts";

/** The credential: X-API-Key, else Authorization: Bearer. */
export function readCredential(headers: {
  get(name: string): string | null | undefined;
}): string | undefined {
  const apiKey = headers.get("x-api-key");
  if (apiKey?.trim()) return apiKey.trim();
  const auth = headers.get("authorization");
  const match = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return match?.[1];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID_LIKE = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

const endpoints = new Map<string, string>();

/**
 * The path without ids (`/v1/things/{id}`), so usage is counted per endpoint and not per
 * resource. UUIDs always count as ids; with `numericIds`, whole numbers do too.
 */
export function endpointOf(pathname: string, options: { numericIds?: boolean } = {}): string {
  const memoKey = options.numericIds ? `#${pathname}` : pathname;
  let endpoint = endpoints.get(memoKey);
  if (endpoint === undefined) {
    const id = options.numericIds ? ID_LIKE : UUID;
    endpoint = pathname
      .split("/")
      .map((part) => (id.test(part) ? "{id}" : part))
      .join("/");
    // Profiled: splitting and matching every request's path showed up on the hot path; a few
    // thousand distinct paths are remembered, then the memo starts over (bounded).
    if (endpoints.size >= 5000) endpoints.clear();
    endpoints.set(memoKey, endpoint);
  }
  return endpoint;
}

/** "GET /v1/things" is recorded as method GET on /v1/things, like Latchkey's own routes. */
export function usageName(endpoint: string): { method: string; endpoint: string } {
  const match = /^([A-Z]{1,16}) (\S.*)$/.exec(endpoint);
  return match
    ? { method: match[1] as string, endpoint: match[2] as string }
    : { method: "", endpoint };
}

/** The error with its stack and causes, for a server log: any key in it is masked. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 4; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return redactApiKeys(parts.join("\nCaused by: "));
}
