/**
 * `expressApiKey(verifier, { scopes, cost })`: Express middleware that lets a request through only
 * with a key Latchkey allows, and answers every refusal itself with Latchkey's problem+json.
 *
 *   app.get("/v1/things/:id", expressApiKey(verifier, { scopes: ["customers:read"] }), handler)
 *
 * Scopes are Latchkey's (keys hold no others): the verify route refuses any other as a bad body.
 */
import { allowedHeaders, refusal } from "./answer.ts";
import { endpointOf, readCredential } from "./http.ts";
import type { Verdict } from "./verdict.ts";
import type { LatchkeyVerifier, Outcome } from "./verifier-api.ts";

/** The parts of Express's request and response this middleware uses (Express 4 and 5). */
type Request = {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  path?: string;
  baseUrl?: string;
  route?: { path?: unknown };
  socket?: { remoteAddress?: string };
  app?: { get?(setting: string): unknown };
  apiKey?: Verdict;
};
type Response = {
  status(code: number): Response;
  set(headers: Record<string, string>): Response;
  send(body: unknown): unknown;
  headersSent?: boolean;
};
type Next = (error?: unknown) => void;

export type ExpressApiKeyOptions = {
  /** Every one is required. */
  scopes?: readonly string[];
  /** Credits a request spends when the key has a usage limit (default 1). */
  cost?: number;
};

declare global {
  namespace Express {
    interface Request {
      /** The verdict about the request's key, set by `expressApiKey`. */
      apiKey?: import("./verdict.ts").Verdict;
    }
  }
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** `GET /v1/things/:id`: the route's pattern, not the URL, so ids do not each get a row. */
function endpoint(req: Request): string {
  const route = typeof req.route?.path === "string" ? req.route.path : undefined;
  const path = route
    ? `${req.baseUrl ?? ""}${route}`
    : endpointOf(`${req.baseUrl ?? ""}${req.path ?? ""}`, { numericIds: true });
  return `${req.method} ${path || "/"}`;
}

/** The socket's address, unless Express is told to trust a proxy: then its `req.ip`. */
function clientIp(req: Request): string | undefined {
  return req.app?.get?.("trust proxy") ? req.ip : req.socket?.remoteAddress;
}

export function expressApiKey(verifier: LatchkeyVerifier, options: ExpressApiKeyOptions = {}) {
  const scopes = options.scopes ?? [];
  return (req: Request, res: Response, next: Next): void => {
    const key = readCredential({ get: (name) => header(req, name.toLowerCase()) });
    const refuse = (outcome: Outcome | { code: "missing_key" }) => {
      const answer = refusal(outcome, scopes);
      res.status(answer.status).set(answer.headers).send(answer.body);
    };
    if (!key) {
      refuse({ code: "missing_key" });
      return;
    }
    verifier
      .verify({ key, scopes, clientIp: clientIp(req), endpoint: endpoint(req), cost: options.cost })
      .then((outcome) => {
        if (outcome.code !== "valid") return refuse(outcome);
        res.set(allowedHeaders(outcome));
        req.apiKey = outcome;
        next();
      }, next);
  };
}
