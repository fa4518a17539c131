/**
 * `withApiKey(verifier, handler, { scopes, cost })` for `(Request) => Response` handlers (Hono,
 * Bun, Deno, Next route handlers): the handler runs only with a key Latchkey allows, and every
 * refusal is answered with Latchkey's problem+json.
 */
import { allowedHeaders, refusal } from "./answer.ts";
import { endpointOf, readCredential } from "./http.ts";
import type { Verdict } from "./verdict.ts";
import type { LatchkeyVerifier } from "./verifier-api.ts";

export type FetchApiKeyOptions<A extends unknown[]> = {
  /** Every one is required. */
  scopes?: readonly string[];
  /** Credits a request spends when the key has a usage limit (default 1). */
  cost?: number;
  /**
   * The route's pattern (`/v1/things/:id`), recorded as the endpoint. Without it, the path with
   * ids (UUIDs, whole numbers) replaced by `{id}`.
   */
  route?: string;
  /**
   * The end client's address; a `Request` does not carry one (Bun: `server.requestIP(req)`,
   * Deno: `info.remoteAddr`, Hono on Node: `c.env.incoming.socket.remoteAddress`). Without it,
   * keys with an IP allowlist are refused.
   */
  clientIp?: (request: Request, ...rest: A) => string | undefined;
};

export type ApiKeyHandler<A extends unknown[]> = (
  request: Request,
  context: { apiKey: Verdict },
  ...rest: A
) => Response | Promise<Response>;

export function withApiKey<A extends unknown[] = []>(
  verifier: LatchkeyVerifier,
  handler: ApiKeyHandler<A>,
  options: FetchApiKeyOptions<A> = {},
) {
  const scopes = options.scopes ?? [];
  return async (request: Request, ...rest: A): Promise<Response> => {
    const key = readCredential(request.headers);
    if (!key) return toResponse(refusal({ code: "missing_key" }, scopes));
    const path = options.route ?? endpointOf(new URL(request.url).pathname, { numericIds: true });
    const outcome = await verifier.verify({
      key,
      scopes,
      clientIp: options.clientIp?.(request, ...rest),
      endpoint: `${request.method} ${path}`,
      cost: options.cost,
    });
    if (outcome.code !== "valid") return toResponse(refusal(outcome, scopes));
    const response = await handler(request, { apiKey: outcome }, ...rest);
    const headers = allowedHeaders(outcome);
    try {
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
      return response;
    } catch {
      // Immutable headers (e.g. a fetched Response passed through): copy it.
      const copy = new Response(response.body, response);
      for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
      return copy;
    }
  };
}

const toResponse = (answer: ReturnType<typeof refusal>) =>
  new Response(answer.body, { status: answer.status, headers: answer.headers });
