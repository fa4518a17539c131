import { describe, expect, it } from "vitest";
import { openApiDocument, operations } from "./operations";
import {
  buildReference,
  describeSchema,
  type FieldView,
  inlineMarkdown,
  type SchemaView,
  typeLabel,
} from "./reference";

const field = (view: SchemaView | undefined, name: string): FieldView => {
  const found = view?.fields?.find((f) => f.name === name);
  if (!found) throw new Error(`no field ${name}`);
  return found;
};

describe("the API reference", () => {
  const ref = buildReference(openApiDocument());
  const ops = ref.tags.flatMap((t) => t.operations);
  const op = (id: string) => {
    const found = ops.find((o) => o.id === id);
    if (!found) throw new Error(`no operation ${id}`);
    return found;
  };

  it("shows every operation once, under its tag, in the document's tag order", () => {
    expect(ops.map((o) => `${o.method} ${o.path}`).sort()).toEqual(
      operations.map((o) => `${o.method} ${o.path}`).sort(),
    );
    expect(new Set(ops.map((o) => o.id)).size).toBe(ops.length);
    expect(ref.tags.map((t) => t.name)).toEqual(
      openApiDocument()
        .tags.map((t) => t.name)
        .filter((name) => operations.some((o) => o.tag === name)),
    );
    expect(ref.title).toBe("Latchkey API");
    expect(ref.license).toBe("Apache-2.0");
    expect(ref.auth.map((a) => a.label)).toEqual(["X-API-Key header", "Authorization: Bearer …"]);
  });

  it("says which operations need a key and which scopes", () => {
    expect(op("getHealth").scopes).toBeNull();
    expect(op("createApiKey").scopes).toEqual(["api_keys:write"]);
    expect(op("getMe").scopes).toEqual([]);
  });

  it("resolves a request body's $ref into its fields, with required, nullable, enums and limits", () => {
    const body = op("createApiKey").body;
    expect(body).toMatchObject({ required: true, mediaType: "application/json" });
    expect(body?.schema.ref).toBe("CreateApiKey");
    const name = field(body?.schema, "name");
    expect(name).toMatchObject({ required: true, schema: { type: "string", nullable: false } });
    expect(name.schema.constraints).toEqual(["1–64 characters"]);
    const scopes = field(body?.schema, "scopes");
    expect(scopes.required).toBe(true);
    expect(typeLabel(scopes.schema)).toBe("array of string");
    expect(scopes.schema.items?.enum).toContain("api_keys:write");
    expect(scopes.schema.constraints).toEqual(["at least 1 item"]);
    const description = field(body?.schema, "description");
    expect(description).toMatchObject({ required: false, schema: { nullable: true } });
    const rate = field(body?.schema, "rateLimitPerMinute");
    expect(rate.schema).toMatchObject({ type: "integer", nullable: true });
    expect(rate.schema.constraints).toEqual(["1–1000000", "default null"]);
  });

  it("names formats instead of zod's generated patterns, and drops the safe-integer bounds", () => {
    const response = op("listApiKeys").responses.find((r) => r.status === "200");
    expect(typeLabel(response?.schema as SchemaView)).toBe("ApiKeyPage");
    const data = field(response?.schema, "data");
    expect(typeLabel(data.schema)).toBe("array of ApiKey");
    const key = data.schema.items;
    expect(field(key, "id").schema.constraints).toEqual(["format uuid"]);
    expect(field(key, "expiresAt").schema).toMatchObject({
      type: "string",
      nullable: true,
      constraints: ["format date-time"],
    });
    const stats = op("getApiKeyStats").responses[0]?.schema;
    expect(field(stats, "totalRequests").schema.constraints).toEqual([]);
  });

  it("lists parameters with where they go, whether required, their enum and default", () => {
    const params = op("listApiKeys").parameters;
    expect(params.find((p) => p.name === "limit")).toMatchObject({
      in: "query",
      required: false,
      schema: { type: "integer", constraints: ["1–100", "default 20"] },
    });
    expect(params.find((p) => p.name === "status")?.schema.enum).toEqual([
      "active",
      "disabled",
      "revoked",
      "expired",
    ]);
    expect(op("getApiKey").parameters[0]).toMatchObject({ name: "id", in: "path", required: true });
  });

  it("marks problem responses and keeps the rate-limit headers", () => {
    const responses = op("getMe").responses;
    expect(responses.map((r) => r.status)).toEqual(["200", "401", "403", "429", "503"]);
    expect(responses.find((r) => r.status === "401")).toMatchObject({
      problem: true,
      mediaType: "application/problem+json",
    });
    expect(responses[0]?.headers.map((h) => h.name)).toEqual([
      "RateLimit-Limit",
      "RateLimit-Remaining",
      "RateLimit-Reset",
    ]);
  });

  it("shows each component schema once, linking to the schemas it refers to", () => {
    expect(ref.schemas.map((s) => s.name)).toEqual(
      Object.keys(openApiDocument().components.schemas),
    );
    const problem = ref.schemas.find((s) => s.name === "Problem")?.schema;
    expect(field(problem, "code").required).toBe(true);
    expect(field(problem, "errors").schema.items?.fields?.map((f) => f.name)).toEqual([
      "path",
      "message",
    ]);
    const page = ref.schemas.find((s) => s.name === "ApiKeyPage")?.schema;
    expect(page?.ref).toBeUndefined();
    expect(field(page, "data").schema.items).toMatchObject({ ref: "ApiKey", linkOnly: true });
  });
});

describe("describeSchema", () => {
  it("stops at a $ref that loops back, naming it", () => {
    const components = {
      Node: {
        type: "object",
        properties: { child: { $ref: "#/components/schemas/Node" } },
      },
    };
    const view = describeSchema({ $ref: "#/components/schemas/Node" }, components);
    expect(field(view, "child").schema).toMatchObject({ ref: "Node", linkOnly: true });
  });

  it("folds null variants and null enum members into nullable", () => {
    expect(describeSchema({ type: ["string", "null"] })).toMatchObject({
      type: "string",
      nullable: true,
    });
    expect(describeSchema({ enum: ["a", null], type: ["string", "null"] })).toMatchObject({
      enum: ["a"],
      nullable: true,
    });
    const union = describeSchema({
      anyOf: [{ type: "string" }, { type: "integer" }, { type: "null" }],
    });
    expect(union.type).toBe("one of");
    expect(union.nullable).toBe(true);
    expect(union.variants?.map((v) => v.type)).toEqual(["string", "integer"]);
  });

  it("shows maps, constants and examples", () => {
    expect(
      typeLabel(describeSchema({ type: "object", additionalProperties: { type: "string" } })),
    ).toBe("map of string");
    expect(describeSchema({ const: "x" }).enum).toEqual(["x"]);
    expect(describeSchema({ type: "string", examples: ["a", "b"] }).examples).toEqual(["a", "b"]);
    expect(describeSchema({ type: "string", example: "a" }).examples).toEqual(["a"]);
  });
});

describe("inlineMarkdown", () => {
  it("splits paragraphs and code spans, keeping everything else as text", () => {
    expect(inlineMarkdown("Scopes: `a`, `b`.\n\nNo <b>html</b>")).toEqual([
      [
        { code: false, text: "Scopes: " },
        { code: true, text: "a" },
        { code: false, text: ", " },
        { code: true, text: "b" },
        { code: false, text: "." },
      ],
      [{ code: false, text: "No <b>html</b>" }],
    ]);
  });
});
