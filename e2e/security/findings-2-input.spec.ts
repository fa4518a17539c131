import { expect, test } from "@playwright/test";
import { createKeyOverHttp, type Member, signUpOverHttp } from "./accounts";
import { actionByName, callAction, formData } from "./actions";

/**
 * Input hygiene over HTTP against the production build: forged cursors, NUL bytes, lone
 * surrogates and impossible dates on the API, the pages, the CSV export and the server actions,
 * and a leak report whose decoration PostgreSQL cannot store. Never a 500.
 */

const baseURL = () => test.info().project.use.baseURL as string;
const SCOPES = ["api_keys:read", "api_keys:write", "customers:read", "customers:write"];
const UUID = "0b6f7b4e-1c1a-4b8e-9f57-1a2b3c4d5e6f";
const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

const HOSTILE = [
  "%00",
  "a%00b",
  "%1B%5B2J",
  "%ED%A0%80",
  "x".repeat(10_240),
  "2026-99-99T99:99:99Z",
  "0000-01-01",
  "10000-01-01",
  "9999-12-31",
  "1e309",
  "18446744073709551616",
  "-1",
  "1.5",
  "__proto__",
  "constructor",
];

let owner: Member;
let admin: string;
let keyId: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  owner = await signUpOverHttp(baseURL(), "hygiene");
  admin = (await createKeyOverHttp(owner, SCOPES)).key;
  keyId = (await createKeyOverHttp(owner, ["customers:read"])).id;
});

async function api(path: string, init: RequestInit = {}) {
  const res = await fetch(`${baseURL()}${path}`, {
    ...init,
    headers: { "X-API-Key": admin, ...(init.body ? { "Content-Type": "application/json" } : {}) },
  });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

test("forged cursors, NUL bytes and year 0000 on the API are 400 validation_failed", async () => {
  const cases = [
    `/api/v1/api-keys?cursor=${forge({ t: "2026-99-99T99:99:99Z", i: UUID })}`,
    `/api/v1/api-keys?cursor=${forge({ t: "2026-01-01T00:00:00Z", i: "123" })}`,
    `/api/v1/audit-log?cursor=${forge({ t: "2026-99-99T99:99:99Z", i: "1" })}`,
    `/api/v1/audit-log?cursor=${forge({ t: "2026-01-01T00:00:00Z", i: UUID })}`,
    `/api/v1/customers?cursor=${forge({ t: "2026-99-99T99:99:99Z", i: UUID })}`,
    `/api/v1/customers?cursor=${forge({ t: "2026-01-01T00:00:00Z", i: "123" })}`,
    "/api/v1/api-keys?q=%00",
    "/api/v1/audit-log?actor=%00",
    "/api/v1/audit-log?from=0000-01-01",
  ];
  for (const path of cases) {
    const res = await api(path);
    expect(res.status, `${path}: ${res.body.slice(0, 200)}`).toBe(400);
    expect(res.type).toBe("application/problem+json");
    expect(JSON.parse(res.body).code).toBe("validation_failed");
  }
});

test("every page answers every hostile search parameter without a 500", async () => {
  const pages = [
    "/",
    "/welcome",
    "/settings",
    "/settings/account",
    "/settings/api-keys",
    `/settings/api-keys/${keyId}`,
    "/settings/audit-log",
    "/settings/general",
    "/settings/key-policy",
    "/settings/members",
    "/sign-in",
    "/sign-up",
  ];
  const params = ["q", "status", "sort", "page", "period", "key", "actor", "action", "from", "to"];
  for (const page of pages) {
    for (const value of [...HOSTILE, "password-changed"]) {
      // Every parameter at once, and the sign-in notice's reason alone.
      const query = params.map((p) => `${p}=${value}`).join("&");
      for (const path of [`${page}?${query}`, `${page}?reason=${value}`]) {
        const res = await owner.ctx.get(path, { maxRedirects: 0 });
        expect(res.status(), `${path.slice(0, 120)}`).toBeLessThan(500);
      }
    }
  }
});

test("the CSV export refuses bad filters with a complete 400 before it streams", async () => {
  for (const query of ["from=0000-01-01", "to=10000-01-01", "actor=%00", "key=nope"]) {
    const res = await owner.ctx.get(`/settings/audit-log/export?${query}`);
    expect(res.status(), query).toBe(400);
    expect(await res.text()).toMatch(/^These filters are not valid: /);
  }
  const ok = await owner.ctx.get("/settings/audit-log/export?from=2000-01-01&to=9999-12-31");
  expect(ok.status()).toBe(200);
  expect(await ok.text()).toContain('"key.created"');
});

test("server actions answer hostile text and dates with field errors, never a 500", async () => {
  const values = ["a\u0000b", "\ud800", "\u001b[2J", "x".repeat(10_240)];
  const call = async (name: string, args: unknown[]) => {
    const input = args.at(-1);
    const shown = input instanceof FormData ? Object.fromEntries(input) : input;
    return {
      label: `${name} ${JSON.stringify(shown).slice(0, 80)}`,
      ...(await callAction(owner.ctx, actionByName(name), args, { baseURL: baseURL() })),
    };
  };
  for (const value of values) {
    // FormData sends text as UTF-8: a lone surrogate arrives as U+FFFD, a character like any other.
    const viaForm = value !== "\ud800";
    const results: [Awaited<ReturnType<typeof call>>, boolean][] = [
      [await call("createApiKey", [{ name: value, scopes: ["customers:read"] }]), true],
      [
        await call("createApiKey", [{ name: "k", description: value, scopes: ["customers:read"] }]),
        true,
      ],
      [
        await call("createApiKey", [
          { name: "k", scopes: ["customers:read"], expiration: "custom", expiresOn: value },
        ]),
        true,
      ],
      [
        await call("createApiKey", [
          { name: "k", scopes: ["customers:read"], expiration: "custom", expiresOn: "0000-01-01" },
        ]),
        true,
      ],
      [
        await call("createApiKey", [{ name: "k", scopes: ["customers:read"], allowedIps: value }]),
        true,
      ],
      [await call("renameOrganization", [null, formData({ name: value })]), viaForm],
      [await call("renameOrganization", [{ name: value }]), true],
      [await call("addMember", [{ email: value, role: "member" }]), true],
      [await call("signIn", [null, formData({ email: value, password: "x" })]), true],
      [await call("signIn", [{ email: value, password: value }]), true],
    ];
    for (const [res, refused] of results) {
      expect(res.status, `${res.label}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      if (refused) expect(res.body, res.label).not.toContain('"ok":true');
    }
  }
});

test("a leak report whose url holds NUL or a lone surrogate still contains every key", async () => {
  const a = await createKeyOverHttp(owner, ["customers:read"]);
  const b = await createKeyOverHttp(owner, ["customers:read"]);
  const c = await createKeyOverHttp(owner, ["customers:read"]);
  const report = `[
    {"token":"${a.key}","type":"latchkey_api_key","url":"https://gist.github.com/x\\u0000","source":"gist"},
    {"token":"${b.key}","type":"latchkey_api_key","url":"https://github.com/\\ud800","source":"commit"},
    {"token":"${c.key}","type":"latchkey_api_key","url":"https://github.com/ok","source":"commit"}
  ]`;
  const res = await fetch(`${baseURL()}/api/v1/leaks`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: report,
  });
  expect(res.status).toBe(202);
  expect(await res.json()).toEqual({ received: 3 });
  const code = async (key: string) =>
    (await (await fetch(`${baseURL()}/api/v1/me`, { headers: { "X-API-Key": key } })).json()).code;
  for (const { key } of [a, b, c]) await expect.poll(() => code(key)).toBe("key_disabled");
});
