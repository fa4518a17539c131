/**
 * The API reference at /docs/api as plain data, read from the OpenAPI document: the page renders
 * it on the server, so it needs no script, no CDN and nothing beyond the page's own CSP.
 */
import type { ProblemCode } from "./problem";

type Json = Record<string, unknown>;

export type OpenApiDocument = {
  info: { title: string; version: string; description?: string; license?: { name: string } };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};

/** A schema, ready to show: `$ref`s resolved (and named), `null` variants folded into `nullable`. */
export type SchemaView = {
  /** `string`, `integer`, `object`, `array`, `one of`, `any`… */
  type: string;
  /** The components/schemas name it was reached through, if any. */
  ref?: string;
  nullable: boolean;
  description?: string;
  enum?: unknown[];
  /** Human-readable limits: `format uuid`, `1–64 characters`, `default 20`… */
  constraints: string[];
  fields?: FieldView[];
  items?: SchemaView;
  /** The value schema of a map (`additionalProperties`). */
  values?: SchemaView;
  variants?: SchemaView[];
  examples: unknown[];
  /** Set where a `$ref` is not expanded (it loops back, or has its own entry): only its name shows. */
  linkOnly?: boolean;
};

export type FieldView = { name: string; required: boolean; schema: SchemaView };

export type ParameterView = {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: SchemaView;
};

export type ResponseView = {
  status: string;
  description: string;
  mediaType?: string;
  schema?: SchemaView;
  headers: { name: string; description?: string; type: string }[];
  /** Problem responses link to the shared Problem schema and the error list, not repeat them. */
  problem: boolean;
};

export type OperationView = {
  id: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  /** `null`: no key needed. Otherwise the scopes a key must hold (empty: any valid key). */
  scopes: string[] | null;
  parameters: ParameterView[];
  body?: { required: boolean; mediaType: string; schema: SchemaView };
  responses: ResponseView[];
};

export type TagView = {
  name: string;
  id: string;
  description?: string;
  operations: OperationView[];
};

export type Reference = {
  title: string;
  version: string;
  description?: string;
  license?: string;
  auth: { id: string; label: string; description: string }[];
  tags: TagView[];
  schemas: { name: string; schema: SchemaView }[];
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** zod writes the safe-integer bounds on every `z.number().int()`; they say nothing to a reader. */
const SAFE_BOUND = Number.MAX_SAFE_INTEGER;

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function constraints(schema: Json): string[] {
  const out: string[] = [];
  const num = (key: string) => (typeof schema[key] === "number" ? (schema[key] as number) : null);
  if (typeof schema.format === "string") out.push(`format ${schema.format}`);
  else if (typeof schema.pattern === "string") out.push(`pattern ${schema.pattern}`);
  const range = (min: number | null, max: number | null, unit: string) => {
    const units = (n: number) => (unit && n === 1 ? unit.slice(0, -1) : unit);
    if (min !== null && max !== null) out.push(`${min}–${max}${units(max)}`);
    else if (min !== null) out.push(`at least ${min}${units(min)}`);
    else if (max !== null) out.push(`at most ${max}${units(max)}`);
  };
  range(num("minLength"), num("maxLength"), " characters");
  range(num("minItems"), num("maxItems"), " items");
  const min = num("minimum");
  const max = num("maximum");
  range(min === -SAFE_BOUND ? null : min, max === SAFE_BOUND ? null : max, "");
  if (num("exclusiveMinimum") !== null) out.push(`greater than ${schema.exclusiveMinimum}`);
  if (num("exclusiveMaximum") !== null) out.push(`less than ${schema.exclusiveMaximum}`);
  if ("default" in schema) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

function examplesOf(schema: Json): unknown[] {
  if (Array.isArray(schema.examples)) return schema.examples;
  return "example" in schema ? [schema.example] : [];
}

/** The schema inside a `$ref` or a `T | null`, with what the wrapper itself says added. */
function wrapped(
  outer: Pick<SchemaView, "description" | "constraints" | "examples">,
  inner: SchemaView,
): SchemaView {
  return {
    ...inner,
    description: outer.description ?? inner.description,
    constraints: [...inner.constraints, ...outer.constraints],
    examples: [...outer.examples, ...inner.examples],
  };
}

/** A JSON Schema (as the OpenAPI document holds it) as a SchemaView. */
export function describeSchema(
  input: unknown,
  components: Record<string, unknown> = {},
  seen: ReadonlySet<string> = new Set(),
): SchemaView {
  const schema = isObject(input) ? input : {};
  const base = {
    nullable: false,
    constraints: constraints(schema),
    examples: examplesOf(schema),
    ...(typeof schema.description === "string" ? { description: schema.description } : {}),
  };

  if (typeof schema.$ref === "string") {
    const name = schema.$ref.split("/").pop() ?? schema.$ref;
    const target = components[name];
    if (seen.has(name) || !isObject(target)) {
      return {
        ...base,
        type: isObject(target) ? String(target.type ?? "object") : "any",
        ref: name,
        linkOnly: true,
      };
    }
    // Words beside the $ref (OpenAPI 3.1 allows them) describe this use of the schema.
    return {
      ...wrapped(base, describeSchema(target, components, new Set([...seen, name]))),
      ref: name,
    };
  }

  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) {
    const isNull = (v: unknown) => isObject(v) && v.type === "null";
    const rest = union.filter((v) => !isNull(v));
    const nullable = rest.length < union.length;
    if (rest.length === 1) {
      return { ...wrapped(base, describeSchema(rest[0], components, seen)), nullable: true };
    }
    return {
      ...base,
      type: "one of",
      nullable,
      variants: rest.map((v) => describeSchema(v, components, seen)),
    };
  }

  let type = schema.type;
  let nullable = false;
  if (Array.isArray(type)) {
    nullable = type.includes("null");
    const rest = type.filter((t) => t !== "null");
    type = rest.length === 1 ? rest[0] : rest.join(" or ");
  }
  const values = Array.isArray(schema.enum)
    ? schema.enum
    : "const" in schema
      ? [schema.const]
      : undefined;
  if (values?.includes(null)) nullable = true;
  const view: SchemaView = {
    ...base,
    type: typeof type === "string" ? type : isObject(schema.properties) ? "object" : "any",
    nullable,
    ...(values ? { enum: values.filter((v) => v !== null) } : {}),
  };

  if (isObject(schema.items)) view.items = describeSchema(schema.items, components, seen);
  if (isObject(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    view.fields = Object.entries(schema.properties).map(([name, field]) => ({
      name,
      required: required.has(name),
      schema: describeSchema(field, components, seen),
    }));
  }
  if (isObject(schema.additionalProperties)) {
    view.values = describeSchema(schema.additionalProperties, components, seen);
  }
  return view;
}

/** `array of ApiKey`, `string`, `map of any`: the one-line type of a schema. */
export function typeLabel(view: SchemaView): string {
  if (view.type === "array" && view.items) return `array of ${typeLabel(view.items)}`;
  if (view.ref) return view.ref;
  if (view.type === "object" && view.values && !view.fields)
    return `map of ${typeLabel(view.values)}`;
  return view.type;
}

function operationView(
  method: string,
  path: string,
  raw: Json,
  components: Record<string, unknown>,
): OperationView {
  const security = Array.isArray(raw.security) ? raw.security : [];
  const scopes = Array.isArray(raw["x-required-scopes"])
    ? (raw["x-required-scopes"] as string[])
    : [];
  const parameters = (Array.isArray(raw.parameters) ? raw.parameters : []).filter(isObject).map(
    (p): ParameterView => ({
      name: String(p.name),
      in: String(p.in),
      required: p.required === true,
      ...(typeof p.description === "string" ? { description: p.description } : {}),
      schema: describeSchema(p.schema, components),
    }),
  );
  let body: OperationView["body"];
  if (isObject(raw.requestBody) && isObject(raw.requestBody.content)) {
    const [mediaType, media] = Object.entries(raw.requestBody.content)[0] ?? [];
    if (mediaType && isObject(media)) {
      body = {
        required: raw.requestBody.required === true,
        mediaType,
        schema: describeSchema(media.schema, components),
      };
    }
  }
  const responses = Object.entries(isObject(raw.responses) ? raw.responses : {}).map(
    ([status, r]): ResponseView => {
      const response = isObject(r) ? r : {};
      const [mediaType, media] =
        Object.entries(isObject(response.content) ? response.content : {})[0] ?? [];
      const problem = mediaType === "application/problem+json";
      return {
        status,
        description: String(response.description ?? ""),
        ...(mediaType ? { mediaType } : {}),
        ...(isObject(media) && media.schema !== undefined
          ? {
              schema: problem
                ? describeSchema(media.schema, {})
                : describeSchema(media.schema, components),
            }
          : {}),
        headers: Object.entries(isObject(response.headers) ? response.headers : {}).map(
          ([name, h]) => {
            const header = isObject(h) ? h : {};
            return {
              name,
              ...(typeof header.description === "string"
                ? { description: header.description }
                : {}),
              type: typeLabel(describeSchema(header.schema, components)),
            };
          },
        ),
        problem,
      };
    },
  );
  return {
    id: String(raw.operationId ?? slug(`${method} ${path}`)),
    method,
    path,
    summary: String(raw.summary ?? `${method.toUpperCase()} ${path}`),
    ...(typeof raw.description === "string" ? { description: raw.description } : {}),
    scopes: security.length ? scopes : null,
    parameters,
    ...(body ? { body } : {}),
    responses,
  };
}

/** Everything /docs/api shows, in the document's order: tags as listed, operations by path. */
export function buildReference(doc: OpenApiDocument): Reference {
  const components = doc.components?.schemas ?? {};
  const operations: (OperationView & { tag: string })[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const raw = item[method];
      if (!isObject(raw)) continue;
      const tag =
        Array.isArray(raw.tags) && typeof raw.tags[0] === "string" ? raw.tags[0] : "Other";
      operations.push({ ...operationView(method, path, raw, components), tag });
    }
  }
  const tagNames = [
    ...new Set([...(doc.tags ?? []).map((t) => t.name), ...operations.map((o) => o.tag)]),
  ];
  const tags = tagNames
    .map((name) => {
      const described = doc.tags?.find((t) => t.name === name)?.description;
      return {
        name,
        id: `tag-${slug(name)}`,
        ...(described && described !== name ? { description: described } : {}),
        operations: operations.filter((o) => o.tag === name).map(({ tag: _, ...op }) => op),
      };
    })
    .filter((t) => t.operations.length > 0);
  const auth = Object.entries(doc.components?.securitySchemes ?? {})
    .filter((entry): entry is [string, Json] => isObject(entry[1]))
    .map(([id, s]) => ({
      id,
      label:
        s.type === "apiKey"
          ? `${String(s.name)} ${String(s.in)}`
          : s.type === "http"
            ? `Authorization: ${String(s.scheme).replace(/^./, (c) => c.toUpperCase())} …`
            : String(s.type),
      description: typeof s.description === "string" ? s.description : "",
    }));
  return {
    title: doc.info.title,
    version: doc.info.version,
    ...(doc.info.description ? { description: doc.info.description } : {}),
    ...(doc.info.license ? { license: doc.info.license.name } : {}),
    auth,
    tags,
    // Each schema once, expanded; the schemas it refers to are links to their own entries.
    schemas: Object.entries(components).map(([name, schema]) => ({
      name,
      schema: describeSchema(schema, components, new Set(Object.keys(components))),
    })),
  };
}

/** A description's text as runs of plain text and `code`, paragraph by paragraph. */
export function inlineMarkdown(text: string): { code: boolean; text: string }[][] {
  return text.split(/\n{2,}/).map((paragraph) =>
    paragraph
      .split(/(`[^`\n]+`)/)
      .filter(Boolean)
      .map((part) =>
        part.length > 2 && part.startsWith("`") && part.endsWith("`")
          ? { code: true, text: part.slice(1, -1) }
          : { code: false, text: part },
      ),
  );
}

/**
 * Every problem `code`, with its status and what it means. A problem's `type` is
 * `/docs/api#error-<code>`, so each one needs its entry here (the Record makes a new code a
 * type error until it has one).
 */
export const PROBLEM_CODES: Record<ProblemCode, { status: number; text: string }> = {
  missing_key: { status: 401, text: "No key was sent: use X-API-Key or Authorization: Bearer." },
  invalid_key: { status: 401, text: "The key is malformed or unknown." },
  key_disabled: { status: 401, text: "The key is disabled; an admin can enable it again." },
  key_revoked: { status: 401, text: "The key was revoked. Revoking cannot be undone." },
  key_expired: {
    status: 401,
    text: "The key is past its expiresAt, e.g. after a roll's grace period ended.",
  },
  insufficient_scope: {
    status: 403,
    text: "The key lacks a scope the route needs, or asks to grant a scope it does not hold.",
  },
  ip_not_allowed: { status: 403, text: "The caller's IP address is not on the key's allowlist." },
  rate_limited: {
    status: 429,
    text: "Too many requests for this key; retry after Retry-After seconds.",
  },
  usage_exceeded: {
    status: 429,
    text: "The key has no usage credits left for this request. Retry-After is set only when a refill is due; an admin can raise the limit or top it up.",
  },
  verification_unavailable: {
    status: 503,
    text: "The key store cannot be reached, so no key is accepted (fail closed). Retry later.",
  },
  invalid_body: { status: 400, text: "The request body is not valid JSON." },
  validation_failed: {
    status: 400,
    text: "The query string or body does not match the schema; errors lists each field.",
  },
  policy_violation: {
    status: 400,
    text: "The organization's key policy refuses the change; errors lists each field.",
  },
  bad_request: { status: 400, text: "The request could not be parsed." },
  not_found: { status: 404, text: "No such route, or no such resource in the key's organization." },
  method_not_allowed: { status: 405, text: "The route does not take this method; see Allow." },
  conflict: { status: 409, text: "The resource is in a state that does not allow this change." },
  payload_too_large: { status: 413, text: "The request body is larger than the route accepts." },
  unsupported_media_type: { status: 415, text: "Send the body as application/json." },
  headers_too_large: { status: 431, text: "The request headers are too large." },
  internal_error: { status: 500, text: "Something went wrong on the server." },
};
