import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { openApiDocument, operations } from "@/lib/api/operations";
import type { Actor } from "@/lib/keys/service/audit";
import { createKey } from "@/lib/keys/service/create";
import { SCOPE_IDS } from "@/lib/scopes";
import { createAppVerifyRuntime, setVerifyRuntime, type VerifyRuntime } from "@/lib/verify/runtime";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg } from "@/tests/factories";

withTestDatabase();

const doc = openApiDocument();
const V1 = path.join(process.cwd(), "app/api/v1");

/** Every route.ts under app/api/v1 with the methods it exports, as OpenAPI paths. */
function handlerFiles(dir = V1): { path: string; file: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    // The catch-all only answers 404 problem+json for paths no route serves.
    if (entry.isDirectory()) return entry.name.startsWith("[...") ? [] : handlerFiles(full);
    if (entry.name !== "route.ts") return [];
    const route = path
      .relative(V1, path.dirname(full))
      .split(path.sep)
      .map((s) => s.replace(/^\[(.+)\]$/, "{$1}"))
      .join("/");
    return [{ path: `/api/v1${route ? `/${route}` : ""}`, file: full }];
  });
}

const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;

type Handler = Parameters<typeof call>[0];
async function handlerFor(opPath: string, method: string): Promise<Handler> {
  const file = handlerFiles().find((f) => f.path === opPath)?.file;
  if (!file) throw new Error(`no route file for ${opPath}`);
  const mod = (await import(file)) as Record<string, Handler>;
  const handler = mod[method.toUpperCase()];
  if (!handler) throw new Error(`${opPath} exports no ${method}`);
  return handler;
}

// The document's schemas, with their references rewritten so ajv can resolve them by id.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const rewrite = <T>(value: T): T =>
  JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"components#/$defs/'));
ajv.addSchema({ $id: "components", $defs: rewrite(doc.components.schemas) });

type Documented = {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
};

function expectDocumented(opPath: string, method: string, res: Awaited<ReturnType<typeof call>>) {
  const op = (doc.paths[opPath] as Record<string, Documented>)[method];
  const documented = op?.responses[String(res.status)];
  expect(
    documented,
    `${method} ${opPath} answered ${res.status}, which is not documented`,
  ).toBeTruthy();
  const content = documented?.content;
  if (!content) return;
  const [type, media] = Object.entries(content)[0] ?? [];
  expect(res.headers.get("content-type") ?? "").toContain(type ?? "");
  const validate = ajv.compile(rewrite(media?.schema ?? {}));
  const valid = validate(res.json);
  expect(valid, `${method} ${opPath} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

let runtime: VerifyRuntime;
let actor: Actor;
let admin: string;
let target: { id: string; key: string };

beforeAll(async () => {
  const { org, owner } = await createOrg("Documented");
  actor = { organizationId: org.id, userId: owner.id, label: "owner" };
  runtime = createAppVerifyRuntime({ defaultRateLimitPerMinute: 100_000, flushMs: 60_000 });
  await runtime.start();
  setVerifyRuntime(runtime);
  const base = {
    description: null,
    environment: "live" as const,
    expiresAt: null,
    allowedIps: [],
    rateLimitPerMinute: null,
  };
  admin = (
    await createKey(getDb(), actor, { ...base, name: "admin", scopes: [...SCOPE_IDS] }, "lk")
  ).key;
  target = await createKey(
    getDb(),
    actor,
    {
      ...base,
      name: "target",
      scopes: ["customers:read"],
      webhookUrl: "https://hooks.example.com/x",
    },
    "lk",
  );
});

afterAll(async () => {
  await runtime.stop();
  setVerifyRuntime(undefined);
});

type Case = { query?: string; body?: unknown; bad?: { query?: string; body?: unknown } };
const id = () => target.id;

/** A good request for every documented operation, and a bad one where the route validates input. */
const cases: Record<string, () => Case> = {
  getHealth: () => ({}),
  getMe: () => ({}),
  getOpenApiDocument: () => ({}),
  listCustomers: () => ({ query: "?limit=5", bad: { query: "?cursor=%%%" } }),
  createCustomer: () => ({
    body: { name: "Ada", email: "ada@example.test" },
    bad: { body: { name: "" } },
  }),
  verifyKey: () => ({ body: { key: target.key }, bad: { body: { key: 1 } } }),
  listApiKeys: () => ({ query: "?limit=2&status=active", bad: { query: "?limit=0" } }),
  createApiKey: () => ({
    body: { name: "doc", scopes: ["customers:read"] },
    bad: { body: { name: "doc" } },
  }),
  getApiKey: () => ({}),
  updateApiKey: () => ({
    body: { description: "documented" },
    bad: { body: { status: "revoked" } },
  }),
  getApiKeyStats: () => ({ query: "?period=7d", bad: { query: "?period=1y" } }),
  listAuditEvents: () => ({ query: "?limit=3", bad: { query: "?from=never" } }),
  listWebhookDeliveries: () => ({ query: "?limit=5", bad: { query: "?limit=0" } }),
  sendWebhookTest: () => ({}),
  reportLeakedKeys: () => ({ body: { keys: ["not-a-key"] }, bad: { body: { keys: [] } } }),
  // Last: these change the target key.
  rollApiKey: () => ({ body: { gracePeriod: "1h" }, bad: { body: { gracePeriod: "forever" } } }),
  revokeApiKey: () => ({}),
};

describe("the OpenAPI document", () => {
  it("passes the Redocly linter without warnings", () => {
    const file = path.join(tmpdir(), `latchkey-openapi-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(doc));
    const run = spawnSync(
      path.join(process.cwd(), "node_modules/.bin/redocly"),
      ["lint", file, "--config", path.join(process.cwd(), "redocly.yaml")],
      { encoding: "utf8" },
    );
    const out = `${run.stdout}${run.stderr}`;
    expect(run.status, out).toBe(0);
    expect(out).toContain("Your API description is valid");
    expect(out).not.toMatch(/You have \d+ warnings?/);
  });

  it("documents exactly the routes the app serves under /api/v1", async () => {
    const served: string[] = [];
    for (const { path: p, file } of handlerFiles()) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const m of METHODS) {
        const handler = mod[m] as unknown as
          | (((...args: never[]) => unknown) & { methodNotAllowed?: boolean })
          | undefined;
        // A 405 for a method the route lacks is not an operation.
        if (typeof handler === "function" && !handler.methodNotAllowed) {
          served.push(`${m.toLowerCase()} ${p}`);
        }
      }
    }
    const documented = operations.map((o) => `${o.method} ${o.path}`);
    expect(documented.sort()).toEqual(served.sort());
    expect(Object.keys(cases).sort()).toEqual(operations.map((o) => o.operationId).sort());
  });

  // In order: the cases that change the target key come last.
  for (const operationId of Object.keys(cases)) {
    it(`${operationId}: real responses match the documented schemas`, async () => {
      const op = operations.find((o) => o.operationId === operationId);
      if (!op) throw new Error(`undocumented case ${operationId}`);
      const handler = await handlerFor(op.path, op.method);
      const c = cases[operationId]?.() ?? {};
      const url = op.path.replace("{id}", id());
      const keyed = op.auth !== "public";
      const send = (extra: { key?: string; query?: string; body?: unknown; url?: string }) =>
        call(handler, {
          path: `${extra.url ?? url}${extra.query ?? ""}`,
          method: op.method.toUpperCase(),
          key: extra.key,
          body: extra.body,
          params: op.params ? { id: (extra.url ?? url).split("/")[4] ?? "" } : undefined,
        });

      const good = await send({ key: keyed ? admin : undefined, query: c.query, body: c.body });
      expect(good.status, JSON.stringify(good.json)).toBeLessThan(300);
      expectDocumented(op.path, op.method, good);

      if (keyed) expectDocumented(op.path, op.method, await send({ body: c.body }));
      if (c.bad) {
        const bad = await send({ key: admin, ...c.bad });
        expect(bad.status).toBe(400);
        expectDocumented(op.path, op.method, bad);
      }
      if (op.params) {
        const missing = await send({
          key: admin,
          url: url.replace(id(), "00000000-0000-4000-8000-000000000000"),
          body: c.body,
          query: c.query,
        });
        expect(missing.status).toBe(404);
        expectDocumented(op.path, op.method, missing);
      }
    });
  }
});
