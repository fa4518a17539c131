import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { fillPlaceholders, readmeBlocks, readmeExample } from "./readme-examples";
import { createKeyOverHttp, type Member, signUpOverHttp } from "./security/accounts";

// The README's examples that talk to a server, run as a reader would run them, in the order they
// appear, against the production server: an example that drifts from the API fails here.

const baseURL = () => test.info().project.use.baseURL as string;
const root = path.join(import.meta.dirname, "..");

function runBash(code: string, env: Record<string, string> = {}) {
  const run = spawnSync("bash", ["-euo", "pipefail", "-c", code], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: run.status, out: `${run.stdout}\n${run.stderr}` };
}

async function keyOf(member: Member, admin: string, id: string) {
  const res = await member.ctx.get(`/api/v1/api-keys/${id}`, { headers: { "x-api-key": admin } });
  expect(res.status()).toBe(200);
  return (await res.json()) as { status: string; name: string };
}

test("every README block that calls the server is a checked example", () => {
  const unchecked = readmeBlocks().filter(
    (b) => !b.marked && /\bcurl\b|localhost:3000\/api/.test(b.code),
  );
  expect(unchecked.map((b) => b.code.slice(0, 80))).toEqual([]);
});

test("the /me example answers the key and its organization", async () => {
  const owner = await signUpOverHttp(baseURL(), "readme");
  const { key, id } = await createKeyOverHttp(owner, ["customers:read"], "Mine");
  const run = runBash(fillPlaceholders(readmeExample("me").code, { KEY: key }, baseURL()));
  expect(run.status, run.out).toBe(0);
  expect(JSON.parse(run.out.trim())).toMatchObject({
    key: { id, name: "Mine", environment: "live", scopes: ["customers:read"] },
    organization: { name: owner.organization },
  });
});

test("the verify example answers the decision for a key of the same organization", async () => {
  const owner = await signUpOverHttp(baseURL(), "readme");
  const { key: verifier } = await createKeyOverHttp(owner, ["keys:verify"]);
  const checked = await createKeyOverHttp(owner, ["customers:read"], "Billing");
  const code = fillPlaceholders(
    readmeExample("verify").code,
    { VERIFIER_KEY: verifier, KEY: checked.key },
    baseURL(),
  );
  const run = runBash(code);
  expect(run.status, run.out).toBe(0);
  expect(JSON.parse(run.out.trim())).toMatchObject({
    valid: true,
    code: "valid",
    keyId: checked.id,
    name: "Billing",
    rateLimit: { remaining: expect.any(Number) },
    credits: null,
  });
});

test("the Management API example runs top to bottom", async () => {
  const owner = await signUpOverHttp(baseURL(), "readme");
  const { key } = await createKeyOverHttp(owner, [
    "api_keys:read",
    "api_keys:write",
    "customers:read",
  ]);
  const code = fillPlaceholders(readmeExample("management-api").code, { LK: key }, baseURL());
  const run = runBash(`${code}\necho "ID=$ID NEW_ID=$NEW_ID"`);
  expect(run.status, run.out).toBe(0);
  const ids = /ID=([0-9a-f-]{36}) NEW_ID=([0-9a-f-]{36})/.exec(run.out);
  expect(ids, run.out).not.toBeNull();
  for (const id of [ids?.[1], ids?.[2]] as string[]) {
    expect((await keyOf(owner, key, id)).status).toBe("revoked");
  }
  // The example's list printed pages, and no call answered an error.
  expect(run.out).toContain('"nextCursor"');
  expect(run.out).not.toContain('"code":"');
});

test("the typed-client example revokes a key", async () => {
  const owner = await signUpOverHttp(baseURL(), "readme");
  const { key } = await createKeyOverHttp(owner, [
    "api_keys:read",
    "api_keys:write",
    "customers:read",
  ]);
  const target = await createKeyOverHttp(owner, ["customers:read"], "Old deploy key");
  const code = fillPlaceholders(
    readmeExample("typed-client").code,
    { LK: key, ID: target.id },
    baseURL(),
  );
  const run = runBash(code, { LATCHKEY_URL: baseURL() });
  expect(run.status, run.out).toBe(0);
  expect(run.out).toContain("Old deploy key is revoked");
  expect((await keyOf(owner, key, target.id)).status).toBe("revoked");
});

test("the leak-report example contains the reported key", async () => {
  const owner = await signUpOverHttp(baseURL(), "readme");
  const { key: admin } = await createKeyOverHttp(owner, ["api_keys:read"]);
  const leaked = await createKeyOverHttp(owner, ["customers:read"], "Committed by mistake");
  const code = fillPlaceholders(
    readmeExample("leak-report").code,
    { LEAKED: leaked.key },
    baseURL(),
  );
  const run = runBash(code);
  expect(run.status, run.out).toBe(0);
  expect(JSON.parse(run.out.trim())).toEqual({ received: 1 });
  await expect.poll(async () => (await keyOf(owner, admin, leaked.id)).status).toBe("disabled");
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("the webhook receiver example verifies a signed event", async () => {
  const owner = await signUpOverHttp(baseURL(), "readme");
  const { key: admin } = await createKeyOverHttp(owner, [
    "api_keys:read",
    "api_keys:write",
    "customers:read",
  ]);
  const port = await freePort();
  const created = await owner.ctx.post("/api/v1/api-keys", {
    headers: { "x-api-key": admin },
    data: { name: "Hooked", scopes: ["customers:read"], webhookUrl: `http://127.0.0.1:${port}/` },
  });
  expect(created.status()).toBe(201);
  const { id, webhookSecret } = (await created.json()) as { id: string; webhookSecret: string };
  expect(webhookSecret).toMatch(/^whsec_/);

  // Saved inside the repository so that `standardwebhooks` resolves from its node_modules, as it
  // does from the reader's own folder after `npm install standardwebhooks`.
  const dir = path.join(root, ".data", "readme");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "receiver.mjs");
  writeFileSync(file, readmeExample("webhook-receiver").code);
  const receiver = spawn(process.execPath, [file], {
    env: { ...process.env, PORT: String(port), LATCHKEY_WEBHOOK_SECRET: webhookSecret },
  });
  let out = "";
  receiver.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  receiver.stderr.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  try {
    await expect
      .poll(
        async () => {
          await owner.ctx.post(`/api/v1/api-keys/${id}/webhook-test`, {
            headers: { "x-api-key": admin },
          });
          return out;
        },
        { timeout: 30_000, intervals: [1_000, 2_000] },
      )
      .toContain(`webhook.test ${id}`);
    // A request that is not from Latchkey is refused.
    const forged = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: { "webhook-id": "msg_x", "webhook-timestamp": "1", "webhook-signature": "v1,x" },
      body: "{}",
    });
    expect(forged.status).toBe(400);
  } finally {
    receiver.kill();
  }
});

test("the route-protection snippet passes the linter without a warning", () => {
  const dir = path.join(root, ".data", "readme");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "route.ts"), readmeExample("protect-route").code);
  const lint = spawnSync(
    "npx",
    [
      "biome",
      "lint",
      "--error-on-warnings",
      "--vcs-use-ignore-file=false",
      ".data/readme/route.ts",
    ],
    { cwd: root, encoding: "utf8" },
  );
  expect(lint.status, `${lint.stdout}\n${lint.stderr}`).toBe(0);
});

test("the protect-your-own-service example guards its route with a remote verifier", async () => {
  const owner = await signUpOverHttp(baseURL(), "readme");
  const { key: verifier } = await createKeyOverHttp(owner, ["keys:verify"]);
  const reader = await createKeyOverHttp(owner, ["customers:read"], "Reader");
  const writer = await createKeyOverHttp(owner, ["customers:write"], "Writer");
  const port = await freePort();

  // Inside the repository, so `express` and the built `@latchkey/verify` resolve from its
  // node_modules as they do from the reader's project after `npm install`.
  const dir = path.join(root, ".data", "readme");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "service.mjs");
  writeFileSync(file, readmeExample("protect-service").code);
  const service = spawn(process.execPath, [file], {
    env: {
      ...process.env,
      PORT: String(port),
      LATCHKEY_URL: baseURL(),
      LATCHKEY_API_KEY: verifier,
      LATCHKEY_DATABASE_URL: "",
    },
  });
  let out = "";
  service.stderr.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}/v1/things`;
  try {
    await expect
      .poll(async () => (await fetch(url).catch(() => null))?.status ?? 0, { timeout: 20_000 })
      .toBe(401);
    const allowed = await fetch(url, { headers: { "x-api-key": reader.key } });
    expect(allowed.status, out).toBe(200);
    expect(await allowed.json()).toEqual({ key: "Reader" });
    expect(allowed.headers.get("ratelimit-limit")).toBe("600");
    const lacking = await fetch(url, { headers: { "x-api-key": writer.key } });
    expect(lacking.status).toBe(403);
    expect(await lacking.json()).toMatchObject({ code: "insufficient_scope" });
  } finally {
    service.kill("SIGTERM");
  }
});
