import { request as httpRequest } from "node:http";
import { expect, test } from "@playwright/test";
import { createKeyOverHttp, type Member, signUpOverHttp } from "./accounts";
import { actionByName, callAction } from "./actions";

/**
 * Hostile and broken input against the running server: every case is answered with a 4xx in the
 * API's problem+json shape (or, for a form, the form's own field errors) — never a 500.
 */

type Raw = { status: number; type: string; body: string };

/** Raw HTTP, so headers can carry bytes and repeats that fetch would refuse to send. */
function raw(
  url: string,
  method: string,
  path: string,
  headers: [string, string][],
  body?: Buffer | string,
): Promise<Raw> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, setHost: true }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers["content-type"] ?? ""),
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    req.on("error", reject);
    for (const [name, value] of headers) {
      const existing = req.getHeader(name);
      req.setHeader(
        name,
        existing === undefined
          ? value
          : [...(Array.isArray(existing) ? existing : [String(existing)]), value],
      );
    }
    if (body !== undefined) req.setHeader("content-length", Buffer.byteLength(body));
    req.end(body);
  });
}

const latin1 = (s: string) => Buffer.from(s, "utf8").toString("latin1");

let owner: Member;
let keys: { write: string; verify: string; read: string };
let baseURL: string;
let count = 0;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  baseURL = test.info().project.use.baseURL as string;
  owner = await signUpOverHttp(baseURL, "malformed");
  keys = {
    write: (await createKeyOverHttp(owner, ["customers:write"])).key,
    verify: (await createKeyOverHttp(owner, ["keys:verify"])).key,
    read: (await createKeyOverHttp(owner, ["customers:read"])).key,
  };
});

test.afterAll(() => console.info(`[malformed inputs] ${count} cases`));

async function expectProblem(res: Raw, label: string) {
  expect(res.status, `${label}: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, label).toBeLessThan(500);
  expect(res.type, label).toBe("application/problem+json");
  const problem = JSON.parse(res.body) as { status: number; code: string };
  expect(problem.status, label).toBe(res.status);
  expect(problem.code, label).toMatch(/^[a-z_]+$/);
  count++;
}

test("credentials and headers", async () => {
  const key = keys.read;
  const flipped = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
  const cases: [string, [string, string][]][] = [
    ["empty X-API-Key", [["X-API-Key", ""]]],
    ["blank X-API-Key", [["X-API-Key", "   "]]],
    ["Bearer without token", [["Authorization", "Bearer"]]],
    ["Bearer with two tokens", [["Authorization", `Bearer ${key} ${key}`]]],
    ["Basic credentials", [["Authorization", "Basic dXNlcjpwYXNz"]]],
    ["Bearer of a short key", [["Authorization", "Bearer lk_live_short"]]],
    ["bad checksum", [["X-API-Key", flipped]]],
    ["unknown well-formed key", [["X-API-Key", `lk_test_${"A".repeat(38)}`]]],
    ["upper-case prefix", [["X-API-Key", key.toUpperCase()]]],
    ["key with a trailing NUL-like byte", [["X-API-Key", `${key}\u00ff`]]],
    ["UTF-8 bytes in the key", [["X-API-Key", latin1(`lk_live_ключ${"x".repeat(30)}`)]]],
    ["emoji bytes in Authorization", [["Authorization", latin1("Bearer 🔑🔑🔑")]]],
    [
      "two X-API-Key headers",
      [
        ["X-API-Key", key],
        ["X-API-Key", key],
      ],
    ],
    [
      "garbage X-API-Key and a valid Bearer",
      [
        ["X-API-Key", "nope"],
        ["Authorization", `Bearer ${key}`],
      ],
    ],
    ["8 KiB X-API-Key", [["X-API-Key", "k".repeat(8 * 1024)]]],
    ["64 KiB X-API-Key", [["X-API-Key", "k".repeat(64 * 1024)]]],
    ["key of another environment's shape", [["X-API-Key", key.replace("_live_", "_prod_")]]],
    ["key without product prefix", [["X-API-Key", key.slice(3)]]],
  ];
  for (const [label, headers] of cases) {
    await expectProblem(await raw(baseURL, "GET", "/api/v1/me", headers), label);
  }
  await expectProblem(
    await raw(baseURL, "GET", "/api/v1/me", [["X-Padding", "p".repeat(40 * 1024)]]),
    "oversized header block",
  );
  await expectProblem(
    await raw(baseURL, "GET", `/api/v1/${"x".repeat(20 * 1024)}`, []),
    "oversized path",
  );
});

test("request bodies", async () => {
  const post = (path: string, key: string, body: string | Buffer, type = "application/json") =>
    raw(
      baseURL,
      "POST",
      path,
      [
        ["X-API-Key", key],
        ["Content-Type", type],
      ],
      body,
    );
  const customers = (body: string | Buffer, type?: string) =>
    post("/api/v1/customers", keys.write, body, type);
  const cases: [string, string | Buffer, string?][] = [
    ["empty body", ""],
    ["truncated JSON", '{"name":"x"'],
    ["single quotes", "{'name':'x'}"],
    ["trailing comma", '{"name":"x","email":"a@b.co",}'],
    ["JSON null", "null"],
    ["JSON array", "[]"],
    ["JSON string", '"customer"'],
    ["JSON number", "42"],
    ["NaN literal", '{"name":NaN}'],
    ["wrong types", '{"name":1,"email":2}'],
    ["name as object", '{"name":{"first":"x"},"email":"a@b.co"}'],
    ["empty name", '{"name":"","email":"a@b.co"}'],
    ["blank name", '{"name":"   ","email":"a@b.co"}'],
    ["NUL in name", '{"name":"a\\u0000b","email":"a@b.co"}'],
    ["bad email", '{"name":"x","email":"not-an-email"}'],
    ["missing email", '{"name":"x"}'],
    ["name of 10k characters", JSON.stringify({ name: "n".repeat(10_000), email: "a@b.co" })],
    [
      "extra field organizationId",
      '{"name":"x","email":"a@b.co","organizationId":"00000000-0000-4000-8000-000000000000"}',
    ],
    ["__proto__ field", '{"__proto__":{"admin":true},"name":"x","email":"a@b.co"}'],
    ["duplicate keys with a bad last value", '{"name":"x","email":"a@b.co","email":5}'],
    ["trailing garbage after JSON", '{"name":"x","email":"a@b.co"} x'],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ["deep nesting", `${"[".repeat(200_000)}${"]".repeat(200_000)}`],
    ["deep objects", `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`],
    ["2 MiB body", JSON.stringify({ name: "x".repeat(2 * 1024 * 1024), email: "a@b.co" })],
    ["text/plain", '{"name":"x","email":"a@b.co"}', "text/plain"],
    ["form-urlencoded", "name=x&email=a%40b.co", "application/x-www-form-urlencoded"],
    ["multipart", "--b\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b"],
    ["no media type", '{"name":"x","email":"a@b.co"}', ""],
    ["json lookalike media type", '{"name":"x","email":"a@b.co"}', "application/jsonp"],
  ];
  for (const [label, body, type] of cases) await expectProblem(await customers(body, type), label);

  const verify = (body: string) => post("/api/v1/keys/verify", keys.verify, body);
  for (const [label, body] of [
    ["verify: empty object", "{}"],
    ["verify: key as number", '{"key":123}'],
    ["verify: key null", '{"key":null}'],
    ["verify: key of 300 characters", JSON.stringify({ key: "k".repeat(300) })],
    ["verify: extra field", JSON.stringify({ key: keys.read, organizationId: "x" })],
    ["verify: not JSON", "key=lk_live_x"],
  ] as const) {
    await expectProblem(await verify(body), label);
  }
});

test("query strings and paths on the API", async () => {
  const get = (path: string) => raw(baseURL, "GET", path, [["X-API-Key", keys.read]]);
  const b64 = (s: string) => Buffer.from(s).toString("base64url");
  const cases: [string, string][] = [
    ["cursor garbage", "/api/v1/customers?cursor=garbage!"],
    ["cursor of the old format", `/api/v1/customers?cursor=${b64("2024-01-01T00:00:00.000Z|x")}`],
    [
      "cursor with a bad uuid",
      `/api/v1/customers?cursor=${b64('{"t":"2024-01-01T00:00:00.000Z","id":"x"}')}`,
    ],
    [
      "cursor with a bad date",
      `/api/v1/customers?cursor=${b64('{"t":"yesterday","id":"00000000-0000-4000-8000-000000000000"}')}`,
    ],
    [
      "cursor with extra fields",
      `/api/v1/customers?cursor=${b64('{"t":"2024-01-01T00:00:00.000Z","id":"00000000-0000-4000-8000-000000000000","org":"x"}')}`,
    ],
    ["cursor of 10k characters", `/api/v1/customers?cursor=${"A".repeat(10_000)}`],
    ["cursor with percent-encoded NUL", "/api/v1/customers?cursor=%00"],
    ["limit text", "/api/v1/customers?limit=abc"],
    ["limit negative", "/api/v1/customers?limit=-5"],
    ["limit zero", "/api/v1/customers?limit=0"],
    ["limit too large", "/api/v1/customers?limit=101"],
    ["limit overflow", "/api/v1/customers?limit=99999999999999999999"],
    ["limit infinity", "/api/v1/customers?limit=1e309"],
    ["limit fraction", "/api/v1/customers?limit=2.5"],
    ["unknown path under a route", "/api/v1/customers/00000000-0000-4000-8000-000000000000"],
    ["unknown top-level path", "/api/v1/%F0%9F%94%91"],
  ];
  for (const [label, path] of cases) await expectProblem(await get(path), label);
});

test("key settings in the create form come back as field errors, never a 500", async () => {
  const create = actionByName("createApiKey");
  const base = {
    name: "Form",
    scopes: ["customers:read"],
    environment: "live",
    expiration: "never",
  };
  const cases: [string, Record<string, unknown>][] = [
    ["unknown scope", { scopes: ["admin:all"] }],
    ["scope with a prototype name", { scopes: ["toString"] }],
    ["no scope", { scopes: [] }],
    ["scopes as a joined string", { scopes: "customers:read,customers:write" }],
    ["CIDR prefix too long", { allowedIps: "10.0.0.0/33" }],
    ["octet out of range", { allowedIps: "256.1.1.1" }],
    ["IPv6 prefix too long", { allowedIps: "::ffff:1.2.3.4/200" }],
    ["two prefixes", { allowedIps: "10.0.0.1/8/8" }],
    ["10k characters of IPs", { allowedIps: "a".repeat(10_000) }],
    [
      "101 addresses",
      { allowedIps: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`).join(",") },
    ],
    ["impossible date", { expiration: "custom", expiresOn: "2031-02-30" }],
    ["date in the past", { expiration: "custom", expiresOn: "1999-01-01" }],
    ["date beyond year 9999", { expiration: "custom", expiresOn: "99999-01-01" }],
    ["unknown expiration", { expiration: "13" }],
    ["rate limit negative", { rateLimitPerMinute: "-1" }],
    ["rate limit text", { rateLimitPerMinute: "abc" }],
    ["rate limit overflow", { rateLimitPerMinute: "1e309" }],
    ["rate limit too large", { rateLimitPerMinute: "99999999999" }],
    ["empty name", { name: "" }],
    ["name of 65 characters", { name: "n".repeat(65) }],
    ["NUL in the name", { name: "a\u0000b" }],
    ["unknown environment", { environment: "prod" }],
  ];
  for (const [label, change] of cases) {
    const call = await callAction(owner.ctx, create, [{ ...base, ...change }], { baseURL });
    expect(call.status, `${label}: ${call.body.slice(0, 200)}`).toBe(200);
    expect(call.body, label).toMatch(/"ok":false,"code":"invalid_input"/);
    count++;
  }
});

test("bad query strings on pages render the page, never a 500", async () => {
  const { id } = await createKeyOverHttp(owner, ["customers:read"]);
  for (const path of [
    `/settings/api-keys/${id}?period=toString`,
    `/settings/api-keys/${id}?period=hasOwnProperty`,
    "/settings/audit-log?page=99999999999999999999",
    "/settings/audit-log?page=%00",
    "/settings/api-keys?sort=",
    "/settings/api-keys?sort=__proto__&dir=%F0%9F%94%91",
    "/settings/api-keys?status=constructor&page=-0",
    `/settings/api-keys?q=${"%F0%9F%94%91".repeat(100)}`,
  ]) {
    const res = await owner.ctx.get(path);
    expect(res.status(), path).toBe(200);
    count++;
  }
  for (const path of ["/settings/api-keys/not-a-uuid", "/settings/api-keys/%00"]) {
    const res = await owner.ctx.get(path);
    expect([400, 404], path).toContain(res.status());
    count++;
  }
});
