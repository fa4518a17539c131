/**
 * Forged cursors, NUL bytes, lone surrogates and impossible dates on the lists, the key writes and
 * the audit export: each is a 400 (problem+json on the API) before any query runs, never a 500.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { GET as exportCsv } from "@/app/(app)/settings/audit-log/export/route";
import * as keyRoute from "@/app/api/v1/api-keys/[id]/route";
import * as keysRoute from "@/app/api/v1/api-keys/route";
import { GET as auditLog } from "@/app/api/v1/audit-log/route";
import * as customersRoute from "@/app/api/v1/customers/route";
import { SCOPE_IDS } from "@/lib/scopes";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { actAs } from "@/tests/request-context";
import { withVerifyRuntime } from "@/tests/runtime";

withTestDatabase();
withVerifyRuntime({ defaultRateLimitPerMinute: 100_000 });

let acme: Awaited<ReturnType<typeof createOrg>>;
let admin: string;
let keyId: string;

beforeAll(async () => {
  acme = await createOrg("Hostile", ["member"]);
  const actor = { organizationId: acme.org.id, userId: acme.owner.id, label: "owner" };
  admin = (await createTestKey(actor, { name: "admin", scopes: [...SCOPE_IDS] })).key;
  keyId = (await createTestKey(actor, { name: "target" })).id;
  for (const name of ["Ada", "Grace"]) {
    const body = { name, email: `${name.toLowerCase()}@example.test` };
    const res = await call(customersRoute.POST, {
      path: "/api/v1/customers",
      method: "POST",
      key: admin,
      body,
    });
    expect(res.status).toBe(201);
  }
});

const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const UUID = "0b6f7b4e-1c1a-4b8e-9f57-1a2b3c4d5e6f";

type Handler = Parameters<typeof call>[0];
const LISTS: [string, Handler][] = [
  ["/api/v1/api-keys", keysRoute.GET],
  ["/api/v1/audit-log", auditLog],
  ["/api/v1/customers", customersRoute.GET],
];

async function expectValidationProblem(handler: Handler, path: string, init = {}) {
  const res = await call(handler, { path, key: admin, ...init });
  expect(res.status, `${path}: ${JSON.stringify(res.json)}`).toBe(400);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.json.code).toBe("validation_failed");
  return res;
}

describe("forged cursors", () => {
  const forged = [
    ["an impossible date", { t: "2026-99-99T99:99:99Z", i: UUID }],
    ["a day the month lacks", { t: "2026-02-30T00:00:00Z", i: UUID }],
    ["year 0000", { t: "0000-01-01T00:00:00Z", i: "1" }],
    ["a non-uuid id", { t: "2026-01-01T00:00:00Z", i: "123" }],
  ] as const;

  for (const [path, handler] of LISTS) {
    it.each(forged)(`${path}: %s is 400 validation_failed`, async (_, position) => {
      // The audit log is ordered on a sequence number: a uuid is the wrong kind there.
      const cursor =
        path.endsWith("audit-log") && position.i === "123"
          ? forge({ ...position, i: UUID })
          : forge(position);
      const res = await expectValidationProblem(handler, `${path}?cursor=${cursor}`);
      expect(res.json.errors).toEqual([{ path: "cursor", message: "Invalid cursor." }]);
    });
  }

  it("real cursors still page", async () => {
    for (const [path, handler] of LISTS) {
      const first = await call(handler, { path: `${path}?limit=1`, key: admin });
      expect(first.status).toBe(200);
      const next = first.json.nextCursor as string;
      expect(next, path).toBeTruthy();
      expect((await call(handler, { path: `${path}?cursor=${next}`, key: admin })).status).toBe(
        200,
      );
    }
  });
});

// A lone surrogate cannot arrive in a query string: its UTF-8 bytes decode to U+FFFD.
describe("NUL bytes in query strings", () => {
  it.each([
    ["/api/v1/api-keys?q=%00", keysRoute.GET],
    ["/api/v1/api-keys?q=a%00b", keysRoute.GET],
    ["/api/v1/api-keys?q=%1B%5B2J", keysRoute.GET],
    ["/api/v1/audit-log?actor=%00", auditLog],
    ["/api/v1/audit-log?action=%00", auditLog],
    ["/api/v1/audit-log?actor=%7F", auditLog],
  ] as [string, Handler][])("%s is 400 validation_failed", async (path, handler) => {
    await expectValidationProblem(handler, path);
  });
});

describe("dates out of range", () => {
  it.each([
    "from=0000-01-01",
    "to=0000-01-01",
    "from=1999-12-31",
    "from=0000-01-01T00:00:00Z",
    "to=9999-12-31T23:00:00-05:00",
    "from=2026-02-30",
  ])("the audit log refuses %s", async (query) => {
    await expectValidationProblem(auditLog, `/api/v1/audit-log?${query}`);
  });

  it("the audit log takes the whole range, 9999-12-31 included", async () => {
    const res = await call(auditLog, {
      path: "/api/v1/audit-log?from=2000-01-01&to=9999-12-31",
      key: admin,
    });
    expect(res.status).toBe(200);
    expect((res.json.data as unknown[]).length).toBeGreaterThan(0);
  });

  it.each(["0000-01-01T00:00:00Z", "+275760-09-13T00:00:00.000Z", "9999-12-31T23:00:00-05:00"])(
    "key writes refuse expiresAt %s",
    async (expiresAt) => {
      await expectValidationProblem(keysRoute.POST, "/api/v1/api-keys", {
        method: "POST",
        body: { name: "late", scopes: ["customers:read"], expiresAt },
      });
      await expectValidationProblem(keyRoute.PATCH, `/api/v1/api-keys/${keyId}`, {
        method: "PATCH",
        body: { expiresAt },
        params: { id: keyId },
      });
    },
  );

  it("key writes take the last millisecond of 9999", async () => {
    const res = await call(keyRoute.PATCH, {
      path: `/api/v1/api-keys/${keyId}`,
      method: "PATCH",
      key: admin,
      body: { expiresAt: "9999-12-31T23:59:59.999Z" },
      params: { id: keyId },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.expiresAt).toBe("9999-12-31T23:59:59.999Z");
  });
});

describe("the CSV export", () => {
  const get = async (query: string) => {
    const res = await exportCsv(new Request(`http://localhost/settings/audit-log/export${query}`));
    return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
  };

  it.each([
    ["?from=0000-01-01", "from"],
    ["?to=10000-01-01", "to"],
    ["?actor=%00", "actor"],
    ["?action=a%00", "action"],
    ["?key=nope", "key"],
  ])("refuses %s with a 400 before streaming anything", async (query, field) => {
    actAs(acme.member?.id ?? null, acme.org.id);
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.type).toBe("text/plain; charset=utf-8");
    expect(res.text).toBe(`These filters are not valid: ${field}.`);
  });

  it("exports up to 9999-12-31", async () => {
    actAs(acme.member?.id ?? null, acme.org.id);
    const res = await get("?from=2000-01-01&to=9999-12-31");
    expect(res.status).toBe(200);
    expect(res.text).toContain('"key.created"');
  });
});
