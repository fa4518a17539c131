import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { expect, type Page, test } from "@playwright/test";
import postgres from "postgres";
import { createKey, keyRow, openApiKeys, signUp } from "../helpers";
import { type SpawnedServer, startServer } from "./server";

/**
 * After a full flow through the UI (create, copy, use, and roll and webhook secrets where the
 * build has them), no full key or signing secret is left anywhere an attacker could read: not in
 * any table, not in the server's stdout/stderr, not in any page or client bundle it serves.
 */
const SECRET = /\b(lk_(?:live|test)_[0-9A-Za-z]{38}|whsec_[A-Za-z0-9+/=]{16,})\b/g;

let server: SpawnedServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startServer();
});

test.afterAll(async () => {
  await server?.stop();
});

/** A secret shown once in a copy card (and copied), then dismissed. */
async function secretsOnPage(page: Page): Promise<string[]> {
  return [...(await page.content()).matchAll(SECRET)].map((m) => m[1] as string);
}

test("no full key or webhook secret survives anywhere after the flow", async ({ browser }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ baseURL: server.url });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();
  const served: string[] = [];
  const scripts = new Set<string>();
  page.on("response", async (response) => {
    const type = response.headers()["content-type"] ?? "";
    if (!/html|javascript|x-component|json/.test(type)) return;
    if (/javascript/.test(type)) scripts.add(response.url());
    else served.push(await response.text().catch(() => ""));
  });

  await signUp(page);
  await openApiKeys(page);
  const secrets = new Set<string>();
  const webhookBox = page.getByRole("button", { name: "Create API Key" });
  await webhookBox.click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByRole("textbox", { name: "Name" }).fill("Leaky");
  await dialog.getByRole("checkbox", { name: "customers:read" }).check();
  const webhookUrl = dialog.getByRole("textbox", { name: "Webhook URL" });
  if (await webhookUrl.count()) await webhookUrl.fill("https://hooks.example.com/latchkey");
  await dialog.getByRole("button", { name: "Create Key" }).click();
  await expect(dialog.getByTestId("new-api-key")).toBeVisible();
  for (const s of await secretsOnPage(page)) secrets.add(s);
  for (const copy of await dialog.getByRole("button", { name: "Copy" }).all()) await copy.click();
  await dialog.getByRole("button", { name: "I've Saved My Key" }).click();
  await expect(dialog).toBeHidden();
  const key = [...secrets].find((s) => s.startsWith("lk_")) as string;
  expect(key).toBeTruthy();

  const second = await createKey(page, { name: "Second", scopes: ["customers:read"] });
  secrets.add(second);
  for (const k of [key, second]) {
    const ok = await fetch(`${server.url}/api/v1/me`, { headers: { "X-API-Key": k } });
    expect(ok.status).toBe(200);
    await fetch(`${server.url}/api/v1/customers`, { headers: { Authorization: `Bearer ${k}` } });
  }

  await page.getByRole("link", { name: "Leaky", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys\/[0-9a-f-]{36}$/);
  const roll = page.getByRole("button", { name: "Roll key" });
  if (await roll.count()) {
    await roll.click();
    const rollDialog = page.getByRole("dialog", { name: "Roll key" });
    await rollDialog.getByRole("button", { name: "Roll key" }).click();
    await expect(rollDialog.getByTestId("new-api-key")).toBeVisible();
    for (const s of await secretsOnPage(page)) secrets.add(s);
    await rollDialog.getByRole("button", { name: "I've Saved My Key" }).click();
  }
  // From here on no copy card is open: nothing served may hold a secret.
  const afterCopyCards = served.length;
  await page.goto("/settings/api-keys");
  await keyRow(page, "Second").getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(keyRow(page, "Second")).toContainText("Revoked");
  for (const url of ["/", "/settings/api-keys", "/settings/audit-log", "/settings/members"]) {
    await page.goto(url);
  }
  // Everything the browser was served after the copy cards closed, plus a fresh load of each page.
  const pages = await Promise.all(
    ["/", "/settings/api-keys", "/settings/audit-log", "/settings/general"].map(async (url) =>
      (await context.request.get(url)).text(),
    ),
  );
  const bundles = await Promise.all(
    [...scripts].map(async (url) => (await context.request.get(url)).text()),
  );
  await context.close();

  // Stop first: the buffered usage is flushed and the logs are complete.
  expect(await server.stop()).toBe(0);
  const tables = await allText(server);

  // The secrets the flow saw must not be in any of it, whole or by their random part.
  const needles = [...secrets].flatMap((s) => [s, s.slice(-38)]);
  const places: [string, string][] = [
    ["server stdout/stderr", server.output()],
    ["database", tables],
    ["pages", pages.join("\n")],
    ["client bundles", bundles.join("\n")],
    ["responses after the copy card", served.slice(afterCopyCards).join("\n")],
  ];
  expect(secrets.size).toBeGreaterThanOrEqual(2);
  for (const [where, haystack] of places) {
    expect(haystack.length, where).toBeGreaterThan(0);
    for (const needle of needles)
      expect(haystack.includes(needle), `${where} holds a secret`).toBe(false);
  }
  // Nor any other well-formed secret: nothing the flow did not see either.
  for (const [where, haystack] of places.slice(0, 4)) {
    expect(
      [...haystack.matchAll(SECRET)].map((m) => m[1]),
      where,
    ).toEqual([]);
  }
});

/** Every text-like column of every table, as one string. */
async function allText(s: SpawnedServer): Promise<string> {
  const listColumns = `select table_name, column_name from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'bytea')`;
  const url = process.env.DATABASE_URL;
  if (url) {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const cols = await sql.unsafe(listColumns);
      const parts: string[] = [];
      for (const c of cols) {
        const rows = await sql.unsafe(
          `select string_agg("${c.column_name}"::text, ' ') v from "${c.table_name}"`,
        );
        parts.push(String(rows[0]?.v ?? ""));
      }
      return parts.join("\n");
    } finally {
      await sql.end();
    }
  }
  const pg = new PGlite(path.join(s.dataDir, "pglite"));
  try {
    const cols = (await pg.query<{ table_name: string; column_name: string }>(listColumns)).rows;
    const parts: string[] = [];
    for (const c of cols) {
      const r = await pg.query<{ v: string | null }>(
        `select string_agg("${c.column_name}"::text, ' ') v from "${c.table_name}"`,
      );
      parts.push(r.rows[0]?.v ?? "");
    }
    return parts.join("\n");
  } finally {
    await pg.close();
  }
}
