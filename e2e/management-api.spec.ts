import { readFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { createKey, keyRow, openApiKeys, signUp } from "./helpers";

const me = (page: Page, key: string) =>
  page.request.get("/api/v1/me", { headers: { "X-API-Key": key } });

async function rollInUi(page: Page, grace: "Now" | "In 1 hour") {
  await page.getByRole("button", { name: "Roll key" }).click();
  const dialog = page.getByRole("dialog", { name: "Roll key" });
  const select = dialog.getByRole("combobox", { name: "Old key stops working" });
  await expect(select).toHaveValue("24h");
  await select.selectOption({ label: grace });
  await dialog.getByRole("button", { name: "Roll key" }).click();
  const key = (await dialog.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^lk_live_[0-9A-Za-z]{38}$/);
  await dialog.getByRole("button", { name: "I've Saved My Key" }).click();
  await expect(dialog).toBeHidden();
  return key;
}

test("rolling a key in the UI: both keys work during the grace period, the old one is refused after it", async ({
  page,
}) => {
  // Two keys created and rolled through the UI, plus a grace period to wait out.
  test.slow();
  await signUp(page);
  await openApiKeys(page);
  const first = await createKey(page, { name: "Rolling" });
  await page.getByRole("link", { name: "Rolling", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys\/[0-9a-f-]{36}$/);
  const firstUrl = page.url();

  const second = await rollInUi(page, "In 1 hour");
  await expect(page).not.toHaveURL(firstUrl);
  await expect(page).toHaveURL(/\/settings\/api-keys\/[0-9a-f-]{36}$/);
  expect((await me(page, first)).status()).toBe(200);
  expect((await me(page, second)).status()).toBe(200);

  // The pages link to each other.
  const secondUrl = page.url();
  const details = page.getByRole("definition");
  await details.getByRole("link", { name: /^lk_live_/ }).click();
  await expect(page).toHaveURL(firstUrl);
  await expect(page.getByRole("button", { name: "Roll key" })).toBeVisible();
  await page
    .getByRole("definition")
    .getByRole("link", { name: /^lk_live_/ })
    .click();
  await expect(page).toHaveURL(secondUrl);

  // Rolling the rolled key with "Now": it stops at once, the newest works.
  const third = await rollInUi(page, "Now");
  await expect.poll(async () => (await (await me(page, second)).json()).code).toBe("key_expired");
  expect((await me(page, third)).status()).toBe(200);
  expect((await me(page, first)).status()).toBe(200);

  await page.goto(secondUrl);
  await expect(page.getByText("Expired", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Roll key" })).toHaveCount(0);
});

test("the management API over HTTP: no escalation, other orgs' keys are 404, a key revokes itself; the audit log names the key", async ({
  page,
  browser,
}) => {
  // Two accounts, each signing up and creating keys through the UI.
  test.slow();
  await signUp(page);
  await openApiKeys(page);
  const admin = await createKey(page, {
    name: "Automation",
    scopes: ["api_keys:read", "api_keys:write", "customers:read"],
  });
  const headers = { "X-API-Key": admin };

  const escalate = await page.request.post("/api/v1/api-keys", {
    headers,
    data: { name: "Sneaky", scopes: ["keys:verify"] },
  });
  expect(escalate.status()).toBe(403);
  expect((await escalate.json()).code).toBe("insufficient_scope");

  const created = await page.request.post("/api/v1/api-keys", {
    headers,
    data: { name: "From CI", scopes: ["customers:read"] },
  });
  expect(created.status()).toBe(201);
  const { id, key } = await created.json();
  expect((await me(page, key)).status()).toBe(200);

  const unknown = await page.request.patch(`/api/v1/api-keys/${id}`, {
    headers,
    data: { name: "x", role: "owner" },
  });
  expect(unknown.status()).toBe(400);
  expect(unknown.headers()["content-type"]).toBe("application/problem+json");
  expect((await unknown.json()).code).toBe("validation_failed");

  // Another organization's key is invisible to this key.
  const other = await browser.newPage();
  await signUp(other);
  await openApiKeys(other);
  const rivalKey = await createKey(other, { name: "Rival", scopes: ["api_keys:read"] });
  const rivalId = (await (await me(other, rivalKey)).json()).key.id;
  for (const res of [
    await page.request.get(`/api/v1/api-keys/${rivalId}`, { headers }),
    await page.request.patch(`/api/v1/api-keys/${rivalId}`, { headers, data: { name: "pwned" } }),
    await page.request.delete(`/api/v1/api-keys/${rivalId}`, { headers }),
  ]) {
    expect(res.status()).toBe(404);
    expect((await res.json()).code).toBe("not_found");
  }
  expect((await me(other, rivalKey)).status()).toBe(200);
  await other.close();

  const list = await page.request.get("/api/v1/api-keys?limit=1", { headers });
  const page1 = await list.json();
  expect(page1.data).toHaveLength(1);
  const page2 = await (
    await page.request.get(`/api/v1/api-keys?limit=1&cursor=${page1.nextCursor}`, { headers })
  ).json();
  expect(page2.data[0].id).not.toBe(page1.data[0].id);

  const self = (await (await me(page, admin)).json()).key.id;
  expect((await page.request.delete(`/api/v1/api-keys/${self}`, { headers })).status()).toBe(200);
  await expect.poll(async () => (await (await me(page, admin)).json()).code).toBe("key_revoked");

  await page.goto("/settings/audit-log");
  const byKey = page.getByRole("row").filter({ hasText: /key lk_live_\w{4}… \(Automation\)/ });
  await expect(byKey.filter({ hasText: "Revoked (by itself)" })).toHaveCount(1);
  await expect(byKey.filter({ hasText: "From CI" })).toHaveCount(1);
  await openApiKeys(page);
  await expect(keyRow(page, "Automation")).toContainText("Revoked");
});

test("the audit log filters by key, actor, action and date, and exports the filtered rows as CSV", async ({
  page,
}) => {
  const account = await signUp(page);
  await openApiKeys(page);
  await createKey(page, { name: "Alpha" });
  await createKey(page, { name: "Beta" });
  await keyRow(page, "Beta").getByRole("button", { name: "Disable" }).click();
  await expect(keyRow(page, "Beta")).toContainText("Disabled");

  await page.goto("/settings/audit-log");
  const rows = page.getByRole("row");
  await expect(rows).toHaveCount(4);
  await page.getByRole("combobox", { name: "Action" }).selectOption({ label: "Disabled" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=key.disabled/);
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("Beta");

  await page.getByRole("combobox", { name: "Action" }).selectOption({ label: "All actions" });
  const keySelect = page.getByRole("combobox", { name: "Key" });
  const alpha = await keySelect.getByRole("option", { name: /^Alpha/ }).getAttribute("value");
  await keySelect.selectOption(alpha ?? "");
  await page.getByRole("textbox", { name: "Actor" }).fill(account.name);
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel("From", { exact: true }).fill(today);
  await page.getByLabel("To", { exact: true }).fill(today);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("Alpha");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await (await download).path();
  const csv = readFileSync(file, "utf8").trimEnd().split("\r\n");
  expect(csv[0]).toBe('"time","actor","action","key","key_id","actor_key_id","details"');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toContain('"key.created","Alpha"');

  await page.getByLabel("From", { exact: true }).fill("2001-01-01");
  await page.getByLabel("To", { exact: true }).fill("2001-01-02");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No key events yet.")).toBeVisible();
});
