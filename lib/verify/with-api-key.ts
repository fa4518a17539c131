import { refusalResponse, successHeaders } from "@latchkey/verify/decide";
import { describeError, endpointOf, readCredential } from "@latchkey/verify/http";
import type { KeyRecord } from "@latchkey/verify/ports";
import type { NextRequest } from "next/server";
import { problem } from "@/lib/api/problem";
import { getClientIp } from "@/lib/net/client-ip";
import type { Scope } from "@/lib/scopes";
import { getVerifyRuntime } from "./runtime";

export { rateLimitHeaders } from "@latchkey/verify/decide";
export { describeError, endpointOf, readCredential } from "@latchkey/verify/http";

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

/**
 * Wraps an App Router route handler: the request reaches `handler` only with a verified key that
 * holds every scope in `options.scopes`, from an allowed IP, within its rate limit, with the
 * credits `options.cost` (default 1) left when it has a usage limit. Everything else is answered
 * here with problem+json.
 */
export function withApiKey<P = Record<string, never>>(
  handler: Handler<P>,
  options: { scopes?: readonly Scope[]; cost?: number } = {},
) {
  return async (request: NextRequest, route: RouteContext<P>): Promise<Response> => {
    const decision = await getVerifyRuntime().decide({
      key: readCredential(request.headers),
      scopes: options.scopes,
      clientIp: getClientIp(request.headers),
      method: request.method,
      endpoint: endpointOf(request.nextUrl.pathname),
      cost: options.cost,
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
      for (const [name, value] of Object.entries(successHeaders(result))) {
        response.headers.set(name, value);
      }
    }
    decision.record(response.status);
    return response;
  };
}
