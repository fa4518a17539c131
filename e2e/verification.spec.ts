import type { Page } from "@playwright/test";
import postgres from "postgres";
import { expect, newOrganization, test } from "./fixtures";
import { createKey, keyRow, openApiKeys } from "./helpers";
import { spawnNode } from "./processes";

// Two more servers beside the suite's own (E2E_PORT), on ports derived from it so that suites run
// side by side on one machine do not collide.
const secondPort = Number(process.env.E2E_PORT ?? 3210) + 200;

const me = (page: Page, key: string, headers: Record<string, string> = {}) =>
  page.request.get("/api/v1/me", { headers: { "X-API-Key": key, ...headers } });

test("a key created in the UI works on the API until disabled or revoked, and shows its last use", async ({
  page,
}) => {
  const organization = await newOrganization(page);
  await openApiKeys(page);
  const key = await createKey(page, { name: "Integration", scopes: ["customers:read"] });
  const row = keyRow(page, "Integration");
  await expect(row).toContainText("Never");

  const ok = await me(page, key);
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toMatchObject({
    key: { name: "Integration", environment: "live", scopes: ["customers:read"] },
    organization: { name: organization },
  });
  expect(ok.headers()["ratelimit-limit"]).toBe("600");
  const bearer = await page.request.get("/api/v1/customers", {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(bearer.status()).toBe(200);

  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("Disabled");
  const disabled = await me(page, key);
  expect(disabled.status()).toBe(401);
  expect(disabled.headers()["content-type"]).toBe("application/problem+json");
  expect((await disabled.json()).code).toBe("key_disabled");

  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row).toContainText("Active");
  expect((await me(page, key)).status()).toBe(200);

  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("Revoked");
  const revoked = await me(page, key);
  expect(revoked.status()).toBe(401);
  expect((await revoked.json()).code).toBe("key_revoked");

  // Usage is flushed every USAGE_FLUSH_MS (1 s in this suite): "Last used" follows.
  await expect(async () => {
    await page.reload();
    await expect(keyRow(page, "Integration")).not.toContainText("Never");
  }).toPass({ timeout: 15_000 });

  // The key's page counts every request made with it: 3 served, 2 refused (disabled, revoked).
  await page.getByRole("link", { name: "Integration", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys\/[0-9a-f-]{36}$/);
  const usage = page.getByRole("region", { name: "Usage" });
  await expect(async () => {
    await page.reload();
    await expect(usage.getByRole("definition").first()).toHaveText("5");
  }).toPass({ timeout: 15_000 });
  await expect(usage.getByRole("table")).toContainText("GET /api/v1/me");
});

test("the public API refuses missing and malformed keys, and /health needs none", async ({
  page,
}) => {
  const health = await page.request.get("/api/v1/health");
  expect(await health.json()).toEqual({ status: "ok" });
  const missing = await page.request.get("/api/v1/me");
  expect(missing.status()).toBe(401);
  expect(missing.headers()["www-authenticate"]).toMatch(/^Bearer/);
  expect(await missing.json()).toMatchObject({ status: 401, code: "missing_key" });
  const bad = await me(page, "lk_live_notarealkey");
  expect(await bad.json()).toMatchObject({ code: "invalid_key" });
});

test("a forged X-Forwarded-For does not get past an IP allowlist", async ({ page }) => {
  await newOrganization(page);
  await openApiKeys(page);
  const key = await createKey(page, {
    name: "Office only",
    allowedIps: "203.0.113.0/24",
  });
  const forged = await me(page, key, {
    "X-Forwarded-For": "203.0.113.7",
    "X-Real-IP": "203.0.113.7",
  });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).code).toBe("ip_not_allowed");
  const local = await createKey(page, { name: "Local", allowedIps: "127.0.0.1, ::1" });
  expect((await me(page, local, { "X-Forwarded-For": "203.0.113.7" })).status()).toBe(200);
});

/** A second production server on the same PostgreSQL database (PGlite allows one process). */
async function startSecondServer(port: number, env: Record<string, string> = {}) {
  const server = spawnNode(["--import", "tsx", "server.ts"], {
    env: { ...process.env, PORT: String(port), NODE_ENV: "production", ...env },
  });
  const ready = async () => {
    if (server.child.exitCode !== null) {
      throw new Error(`second server exited:\n${server.output()}`);
    }
    return fetch(`http://localhost:${port}/api/v1/health`).then(
      (res) => res.ok,
      () => false,
    );
  };
  try {
    await expect.poll(ready, { timeout: 60_000, intervals: [250] }).toBe(true);
  } catch (error) {
    await server.stop("SIGKILL");
    throw new Error(`second server did not start:\n${server.output()}`, { cause: error });
  }
  return server;
}

test.describe("several instances on one PostgreSQL database", () => {
  test.skip(!process.env.DATABASE_URL, "needs DATABASE_URL: two processes cannot share PGlite");

  test("a revocation on one instance is refused by the other within a second", async ({ page }) => {
    const other = await startSecondServer(secondPort);
    try {
      await newOrganization(page);
      await openApiKeys(page);
      const key = await createKey(page, { name: "Shared" });
      const onOther = () =>
        fetch(`http://localhost:${secondPort}/api/v1/me`, { headers: { "X-API-Key": key } });
      // Warm the other instance's cache: only a notification can make it forget the key now.
      expect((await onOther()).status).toBe(200);
      expect((await onOther()).status).toBe(200);

      const row = keyRow(page, "Shared");
      await row.getByRole("button", { name: "Revoke" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
      await expect(row).toContainText("Revoked");
      // The other instance learns of the revocation from a notification, within a second.
      await expect
        .poll(async () => (await onOther()).status, { timeout: 1000, intervals: [20] })
        .toBe(401);
      expect((await (await onOther()).json()).code).toBe("key_revoked");
    } finally {
      await other.stop();
    }
  });

  test("SIGTERM flushes buffered usage before the process exits", async ({ page }) => {
    const other = await startSecondServer(secondPort + 1, { USAGE_FLUSH_MS: "600000" });
    const flushedName = `Flushed ${Date.now()}`;
    let code: number | null = null;
    try {
      await newOrganization(page);
      await openApiKeys(page);
      const key = await createKey(page, { name: flushedName });
      for (let i = 0; i < 9; i++) {
        const res = await fetch(`http://localhost:${secondPort + 1}/api/v1/me`, {
          headers: { "X-API-Key": key },
        });
        expect(res.status).toBe(200);
      }
    } finally {
      code = await other.stop();
    }
    expect(code).toBe(0);
    const sql = postgres(process.env.DATABASE_URL as string, { max: 1 });
    try {
      const rows = await sql<{ requests: string; last_used_at: Date | null }[]>`
        select u.requests, k.last_used_at from api_key_usage u join api_keys k on k.id = u.key_id
        where k.name = ${flushedName} and u.endpoint = '/api/v1/me'`;
      expect(rows.map((r) => Number(r.requests))).toEqual([9]);
      expect(rows[0]?.last_used_at).not.toBeNull();
    } finally {
      await sql.end();
    }
  });
});
