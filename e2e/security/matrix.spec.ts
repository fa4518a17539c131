import { randomUUID } from "node:crypto";
import path from "node:path";
import { type APIRequestContext, expect, request, test } from "@playwright/test";
import { SCOPES } from "@/lib/scopes";
import {
  addMember,
  createKeyOverHttp,
  credentials,
  type Member,
  membersOf,
  signUpOverHttp,
} from "./accounts";
import {
  type ActionCall,
  builtActions,
  callAction,
  formData,
  sourceActions,
  succeeded,
} from "./actions";
import { apiRoutes, fill, hasParam } from "./routes";
import { type SpawnedServer, startServer } from "./server";
import { type Scope, snapshotPglite, snapshotPostgres } from "./snapshot";

/**
 * Every server action (by its id in this build, posted as the browser posts it) and every /api/v1
 * route, against every way of reaching someone else's data: all refused, and the database rows
 * of both organizations exactly as they were.
 */
test.describe.configure({ mode: "serial" });

type Ids = { keyId: string; userId: string; orgId: string };
type World = {
  ownerA: Member;
  ownerB: Member;
  memberA: Member;
  signedOut: APIRequestContext;
  a: Ids;
  b: Ids;
  keysA: Record<string, string>;
  keyB: string;
};
type Scenario =
  | "another org's ids"
  | "unknown ids"
  | "member role"
  | "signed out"
  | "foreign Origin";

const PROBE_EMAIL = "matrix-probe";
const FOREIGN = "https://attacker.example";

/** How the browser would call each action, given the ids it is aimed at. */
const ACTION_ARGS: Record<string, { args: (ids: Ids) => unknown[]; targets: boolean }> = {
  disableApiKey: { args: (i) => [{ id: i.keyId }], targets: true },
  enableApiKey: { args: (i) => [{ id: i.keyId }], targets: true },
  revokeApiKey: { args: (i) => [{ id: i.keyId }], targets: true },
  updateApiKey: {
    args: (i) => [
      null,
      formData({ id: i.keyId, name: "Hijacked", scopes: "customers:read", expiration: "keep" }),
    ],
    targets: true,
  },
  topUpApiKey: {
    args: (i) => [null, formData({ id: i.keyId, usageRemaining: "1000000" })],
    targets: true,
  },
  rollApiKey: { args: (i) => [{ id: i.keyId, gracePeriod: "now" }], targets: true },
  removeUnusedScopes: { args: (i) => [{ id: i.keyId }], targets: true },
  setWebhookUrl: {
    args: (i) => [{ id: i.keyId, webhookUrl: "https://hooks.example.com/x" }],
    targets: true,
  },
  regenerateWebhookSecret: { args: (i) => [{ id: i.keyId }], targets: true },
  sendTestWebhook: { args: (i) => [{ id: i.keyId }], targets: true },
  updateKeyPolicy: {
    args: () => [null, formData({ maxLifetimeDays: "30", leakAction: "revoke" })],
    targets: false,
  },
  bulkDisableApiKeys: { args: (i) => [{ ids: [i.keyId] }], targets: true },
  bulkRevokeApiKeys: { args: (i) => [{ ids: [i.keyId] }], targets: true },
  changeMemberRole: { args: (i) => [{ userId: i.userId, role: "member" }], targets: true },
  removeMember: { args: (i) => [{ userId: i.userId }], targets: true },
  switchOrganization: { args: (i) => [{ organizationId: i.orgId }], targets: true },
  createApiKey: {
    args: () => [{ name: "Sneaky", scopes: ["customers:read"], environment: "live" }],
    targets: false,
  },
  renameOrganization: { args: () => [{ name: "Hijacked" }], targets: false },
  addMember: {
    args: () => [{ email: `${PROBE_EMAIL}@example.test`, role: "owner" }],
    targets: false,
  },
  createOrganization: { args: () => [null, formData({ name: "Sneaky org" })], targets: false },
  // With the owner's real current password: only the refusal itself can stop it.
  changePassword: {
    args: () => [
      null,
      formData({
        currentPassword: world.ownerA.password,
        newPassword: "matrix-new-password",
        confirmPassword: "matrix-new-password",
      }),
    ],
    targets: false,
  },
  signOut: { args: () => [], targets: false },
  signIn: {
    args: () => [null, formData({ email: "x@example.test", password: "x" })],
    targets: false,
  },
  signUp: {
    args: () => [
      null,
      formData({ ...credentials(PROBE_EMAIL), email: `${PROBE_EMAIL}-1@example.test` }),
    ],
    targets: false,
  },
};

// Actions that are the way in (or out): only a foreign Origin applies to them.
const ACCOUNT_ENTRY = new Set(["signIn", "signUp", "signOut"]);
// Signed in without an organization role: no member-role cell (a member may change their own
// password).
const NO_ROLE = new Set(["createOrganization", "switchOrganization", "changePassword"]);

function scenariosFor(name: string): Scenario[] {
  if (ACCOUNT_ENTRY.has(name)) return ["foreign Origin"];
  const spec = ACTION_ARGS[name];
  const out: Scenario[] = ["signed out", "foreign Origin"];
  if (!spec) return out;
  if (!NO_ROLE.has(name)) out.push("member role");
  if (spec.targets) out.push("another org's ids", "unknown ids");
  return out;
}

let server: SpawnedServer;
let world: World;
let before: unknown;
let scope: Scope;
let cells = 0;

async function snapshot(): Promise<unknown> {
  const url = process.env.DATABASE_URL;
  if (url) return snapshotPostgres(url, scope);
  // PGlite admits one process: stop the server, read, start it again on the same port and data.
  await server.stop();
  const rows = await snapshotPglite(path.join(server.dataDir, "pglite"), scope);
  server = await startServer(serverEnv, { dataDir: server.dataDir, port: server.port });
  return rows;
}

const serverEnv = { ACCOUNT_WRITES_PER_HOUR: "1000" };

test.beforeAll(async () => {
  test.setTimeout(240_000);
  server = await startServer(serverEnv);
  const ownerA = await signUpOverHttp(server.url, "matrix-a");
  const ownerB = await signUpOverHttp(server.url, "matrix-b");
  const memberA = await signUpOverHttp(server.url, "matrix-m");
  await addMember(ownerA, memberA.email, "member");

  const keysA: Record<string, string> = {};
  for (const s of SCOPES) keysA[s.id] = (await createKeyOverHttp(ownerA, [s.id])).key;
  const all = await createKeyOverHttp(
    ownerA,
    SCOPES.map((s) => s.id),
  );
  keysA.all = all.key;
  const b = await createKeyOverHttp(ownerB, ["customers:read"]);
  const orgOf = async (key: string) =>
    (
      (await (
        await fetch(`${server.url}/api/v1/me`, { headers: { "X-API-Key": key } })
      ).json()) as {
        organization: { id: string };
      }
    ).organization.id;
  const orgA = await orgOf(all.key);
  const orgB = await orgOf(b.key);
  const switched = await callAction(
    memberA.ctx,
    builtActions().find((a) => a.name === "switchOrganization") as never,
    [{ organizationId: orgA }],
    { baseURL: server.url },
  );
  expect(succeeded(switched)).toBe(true);
  const membersA = await membersOf(ownerA);
  const membersB = await membersOf(ownerB);
  world = {
    ownerA,
    ownerB,
    memberA,
    signedOut: await request.newContext({ baseURL: server.url }),
    a: { keyId: all.id, userId: membersA.get(ownerA.email)?.userId as string, orgId: orgA },
    b: { keyId: b.id, userId: membersB.get(ownerB.email)?.userId as string, orgId: orgB },
    keysA,
    keyB: b.key,
  };
  scope = {
    orgIds: [orgA, orgB],
    userIds: [...membersA.values(), ...membersB.values()].map((m) => m.userId),
    emailLike: `${PROBE_EMAIL}%`,
  };
  before = await snapshot();
});

test.afterAll(async () => {
  console.info(`[security matrix] ${cells} cells`);
  await server?.stop();
});

const refusedAction = (call: ActionCall) => {
  expect(succeeded(call), call.body.slice(0, 400)).toBe(false);
  // Nothing but the refusal: no session handed out, no redirect into the app.
  expect(call.response.headers()["set-cookie"] ?? "").not.toMatch(/session-token=[^;]/);
};

for (const name of sourceActions()) {
  test(`server action ${name} refuses ${scenariosFor(name).join(", ")}`, async () => {
    const action = builtActions().find((a) => a.name === name);
    expect(action, `${name} has an id in the production build`).toBeTruthy();
    if (!action) return;
    const spec = ACTION_ARGS[name] ?? { args: () => [{}], targets: false };
    const random: Ids = { keyId: randomUUID(), userId: randomUUID(), orgId: randomUUID() };
    for (const scenario of scenariosFor(name)) {
      const [ctx, ids, origin] = {
        "another org's ids": [world.ownerA.ctx, world.b, undefined],
        "unknown ids": [world.ownerA.ctx, random, undefined],
        "member role": [world.memberA.ctx, world.a, undefined],
        "signed out": [world.signedOut, world.a, undefined],
        "foreign Origin": [world.ownerA.ctx, world.a, FOREIGN],
      }[scenario] as [APIRequestContext, Ids, string | undefined];
      const call = await callAction(ctx, action, spec.args(ids), { baseURL: server.url, origin });
      await test.step(`${scenario} → ${call.status}`, () => refusedAction(call));
      if (scenario !== "foreign Origin") expect(call.status, scenario).toBeLessThan(500);
      cells++;
    }
  });
}

test("every server action in the build is one the matrix knows", () => {
  const known = new Set(sourceActions());
  expect(
    builtActions()
      .filter((a) => !known.has(a.name))
      .map((a) => a.name),
  ).toEqual([]);
});

for (const route of apiRoutes().filter((r) => r.scopes !== null)) {
  const scopes = route.scopes ?? [];
  test(`${route.method} ${route.pattern} refuses every caller but its own org's key with ${scopes.join(" + ") || "any scope"}`, async () => {
    const body = ["POST", "PUT", "PATCH"].includes(route.method) ? "{}" : undefined;
    const call = (id: string, headers: Record<string, string>, data = body) =>
      fetch(`${server.url}${fill(route.pattern, id)}`, {
        method: route.method,
        headers: { ...(data ? { "Content-Type": "application/json" } : {}), ...headers },
        body: data,
      });
    const expectProblem = async (res: Response, status: number, code?: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      if (code) expect(((await res.json()) as { code: string }).code).toBe(code);
      cells++;
    };

    await test.step("signed out", async () => {
      await expectProblem(await call(world.a.keyId, {}), 401, "missing_key");
    });
    await test.step("foreign Origin with the owner's session cookie, no key", async () => {
      const cookies = (await world.ownerA.ctx.storageState()).cookies;
      const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
      await expectProblem(
        await call(world.a.keyId, { Cookie: cookie, Origin: FOREIGN }),
        401,
        "missing_key",
      );
    });
    if (scopes.length) {
      await test.step("key without the scope", async () => {
        const lacking = SCOPES.map((s) => s.id).find((s) => !scopes.includes(s));
        await expectProblem(
          await call(world.a.keyId, { "X-API-Key": world.keysA[lacking as string] as string }),
          403,
          "insufficient_scope",
        );
      });
    }
    if (hasParam(route.pattern)) {
      for (const [scenario, id] of [
        ["another org's ids", world.b.keyId],
        ["unknown ids", randomUUID()],
      ] as const) {
        await test.step(scenario, async () => {
          const res = await call(id, { "X-API-Key": world.keysA.all as string });
          expect(res.status, scenario).toBeGreaterThanOrEqual(400);
          expect(res.status, scenario).toBeLessThan(500);
          expect(res.headers.get("content-type")).toBe("application/problem+json");
          cells++;
        });
      }
    }
    if (route.pattern === "/api/v1/keys/verify") {
      await test.step("another org's key", async () => {
        const res = await call(
          "",
          { "X-API-Key": world.keysA["keys:verify"] as string },
          JSON.stringify({ key: world.keyB }),
        );
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ valid: false, keyId: null, organizationId: null });
        cells++;
      });
    }
  });
}

test("the database rows of both organizations are exactly as before the matrix", async () => {
  test.setTimeout(120_000);
  expect(await snapshot()).toEqual(before);
});
