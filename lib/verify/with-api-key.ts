import type { NextRequest } from "next/server";
import { problem } from "@/lib/api/problem";
import { redactApiKeys } from "@/lib/keys/format";
import { getClientIp } from "@/lib/net/client-ip";
import type { Scope } from "@/lib/scopes";
import { decide, rateLimitHeaders, refusalResponse } from "./decide";
import type { KeyRecord } from "./ports";
import { getVerifyRuntime } from "./runtime";

export { rateLimitHeaders } from "./decide";

export type ApiKeyContext = {
  key: Pick<KeyRecord, "id" | "name" | "environment" | "scopes" | "expiresAt"> & {
    organizationId: string;
  };
  organization: { id: string; name: string };
};

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (
  request: NextRequest,
  context: ApiKeyContext & { params: P },
) => Promise<Response>;

/** The credential: X-API-Key, else Authorization: Bearer. */
export function readCredential(headers: Pick<Headers, "get">): string | undefined {
  const apiKey = headers.get("x-api-key");
  if (apiKey?.trim()) return apiKey.trim();
  const auth = headers.get("authorization");
  const match = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return match?.[1];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const endpoints = new Map<string, string>();

/** The route without ids, so usage is counted per endpoint and not per resource. */
export function endpointOf(pathname: string): string {
  let endpoint = endpoints.get(pathname);
  if (endpoint === undefined) {
    endpoint = pathname
      .split("/")
      .map((part) => (UUID.test(part) ? "{id}" : part))
      .join("/");
    // Profiled: splitting and matching every request's path showed up on the hot path; a few
    // thousand distinct paths are remembered, then the memo starts over (bounded).
    if (endpoints.size >= 5000) endpoints.clear();
    endpoints.set(pathname, endpoint);
  }
  return endpoint;
}

/** The error with its stack and causes, for the server log: any key in it is masked. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 4; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return redactApiKeys(parts.join("\nCaused by: "));
}

/**
 * Wraps an App Router route handler: the request reaches `handler` only with a verified key that
 * holds every scope in `options.scopes`, from an allowed IP, within its rate limit. Everything
 * else is answered here with problem+json.
 */
export function withApiKey<P = Record<string, never>>(
  handler: Handler<P>,
  options: { scopes?: readonly Scope[] } = {},
) {
  return async (request: NextRequest, route: RouteContext<P>): Promise<Response> => {
    const decision = await decide(getVerifyRuntime(), {
      key: readCredential(request.headers),
      scopes: options.scopes,
      clientIp: getClientIp(request.headers),
      method: request.method,
      endpoint: endpointOf(request.nextUrl.pathname),
    });
    const { result } = decision;

    let response: Response;
    if (!result.ok) {
      response = refusalResponse(result);
    } else {
      const { key } = result;
      try {
        response = await handler(request, {
          key: {
            id: key.id,
            name: key.name,
            environment: key.environment,
            scopes: key.scopes,
            expiresAt: key.expiresAt,
            organizationId: key.organizationId,
          },
          organization: { id: key.organizationId, name: key.organizationName },
          params: await route.params,
        });
      } catch (error) {
        console.error("[latchkey] handler failed:", describeError(error));
        response = problem(500, "internal_error", "Something went wrong on our side.");
      }
      if (result.rateLimit) {
        for (const [name, value] of Object.entries(rateLimitHeaders(result.rateLimit))) {
          response.headers.set(name, value);
        }
      }
    }
    decision.record(response.status);
    return response;
  };
}
