/**
 * The OpenAPI 3.1 document, generated from the zod schemas the handlers parse and answer with.
 * Routes are described once, in `lib/api/operations/*.ts`; adding a route means adding an entry
 * there (a test fails for any /api/v1 handler that has none).
 */
import { z } from "zod";
import type { Scope } from "@/lib/scopes";
import { problemSchema } from "./schemas";

type Method = "get" | "post" | "patch" | "put" | "delete";

export type Operation = {
  method: Method;
  /** OpenAPI path template, e.g. `/api/v1/api-keys/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** `public`: no key. Otherwise the scopes a key must hold (empty: any valid key). */
  auth: "public" | readonly Scope[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Responses by status (a missing schema means an empty body); they win over problem ones. */
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** Problem statuses this route answers beyond the ones its shape implies. */
  problems?: number[];
};

export function defineOperations(...operations: Operation[]): Operation[] {
  return operations;
}

const PROBLEM_TEXT: Record<number, string> = {
  400: "The query string or body is not valid (`validation_failed`, `invalid_body`).",
  401: "No key (`missing_key`), or `invalid_key`, `key_disabled`, `key_revoked`, `key_expired`.",
  403: "`insufficient_scope` or `ip_not_allowed`.",
  404: "`not_found`: no such resource in the key's organization.",
  409: "`conflict`: the resource is in a state that does not allow this.",
  413: "`payload_too_large`: the body is over 1 MiB.",
  415: "`unsupported_media_type`: send the body as `application/json`.",
  429: "`rate_limited` (see `Retry-After`), or `usage_exceeded`: the key's usage credits are spent.",
  503: "`verification_unavailable`: the key store cannot be reached (fail closed).",
};

const TAG_TEXT: Record<string, string> = {
  Service: "Health, the calling key, and this document.",
  Customers: "A small per-organization demo resource.",
  Keys: "Key verification for your own services.",
  "API keys": "Admin self-service: manage the organization's keys with a key.",
  "Audit log": "Every change to the organization's keys.",
};

type JsonSchema = Record<string, unknown>;

class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  /** A zod schema as an inline JSON Schema; named ones (`.meta({ id })`) go to components. */
  add(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const json = z.toJSONSchema(schema, {
      io,
      target: "draft-2020-12",
      unrepresentable: "any",
    }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    const text = JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/');
    const { $schema: _, $defs, ...root } = JSON.parse(text) as typeof json;
    for (const [id, def] of Object.entries($defs ?? {})) {
      const existing = this.components[id];
      if (existing && JSON.stringify(existing) !== JSON.stringify(def)) {
        throw new Error(`OpenAPI: two different schemas are named ${id}`);
      }
      this.components[id] = def;
    }
    return root;
  }
}

const problemResponse = (status: number, ref: JsonSchema) => ({
  description: PROBLEM_TEXT[status] ?? "Error.",
  content: { "application/problem+json": { schema: ref } },
});

const rateLimitHeaders = {
  "RateLimit-Limit": { schema: { type: "integer" }, description: "Requests allowed per window." },
  "RateLimit-Remaining": { schema: { type: "integer" }, description: "Requests left." },
  "RateLimit-Reset": { schema: { type: "integer" }, description: "Seconds until the reset." },
};

function parameters(where: "path" | "query", shape: z.ZodObject | undefined, c: SchemaCollector) {
  return Object.entries(shape?.shape ?? {}).map(([name, field]) => {
    const schema = field as z.ZodType;
    const { description, ...json } = c.add(schema, "input") as JsonSchema & {
      description?: string;
    };
    return {
      name,
      in: where,
      required: where === "path" || !schema.safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: json,
    };
  });
}

export function buildOpenApiDocument(operations: readonly Operation[]) {
  const c = new SchemaCollector();
  const problem = c.add(problemSchema, "output");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const keyed = op.auth !== "public";
    const statuses = new Set<number>(op.problems ?? []);
    if (op.body || op.query) statuses.add(400);
    if (op.params) statuses.add(404);
    if (keyed) for (const s of [401, 403, 429, 503]) statuses.add(s);
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = {
        description: r.description,
        ...(keyed && Number(status) < 300 ? { headers: rateLimitHeaders } : {}),
        ...(r.schema
          ? { content: { "application/json": { schema: c.add(r.schema, "output") } } }
          : {}),
      };
    }
    // A status the operation describes itself is answered in its own shape, not as a problem.
    for (const s of [...statuses].sort()) responses[String(s)] ??= problemResponse(s, problem);
    const scopes = Array.isArray(op.auth) ? op.auth : [];
    paths[op.path] ??= {};
    const item = paths[op.path] as Record<string, unknown>;
    item[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      description: [
        op.description,
        keyed
          ? `Scopes: ${scopes.length ? scopes.map((s) => `\`${s}\``).join(", ") : "any valid key"}.`
          : "No key needed.",
      ]
        .filter(Boolean)
        .join("\n\n"),
      tags: [op.tag],
      security: keyed ? [{ apiKeyHeader: [] }, { bearer: [] }] : [],
      ...(keyed ? { "x-required-scopes": scopes } : {}),
      parameters: [...parameters("path", op.params, c), ...parameters("query", op.query, c)],
      ...(op.body
        ? {
            requestBody: {
              required: !op.body.safeParse(undefined).success,
              content: { "application/json": { schema: c.add(op.body, "input") } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Latchkey API",
      version: "1.0.0",
      description:
        "Manage an organization's API keys and call the demo API with a key. Errors are RFC 9457 problem details (`application/problem+json`) with a `code`.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/" }],
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({
      name,
      description: TAG_TEXT[name] ?? name,
    })),
    paths,
    components: {
      schemas: c.components,
      securitySchemes: {
        apiKeyHeader: { type: "apiKey", in: "header", name: "X-API-Key" },
        bearer: { type: "http", scheme: "bearer", description: "The same key as a bearer token." },
      },
    },
  };
}
