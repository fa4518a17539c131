import { expect, type Page, test } from "@playwright/test";
import { createKey, keyRow, openApiKeys, signUp } from "./helpers";

const customers = (page: Page, key: string) =>
  page.request.get("/api/v1/customers", { headers: { "X-API-Key": key } });

async function createExpiringKey(page: Page, name: string, expiration: string) {
  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByRole("textbox", { name: "Name" }).fill(name);
  await dialog.getByRole("checkbox", { name: "customers:read" }).check();
  await dialog.getByRole("combobox", { name: "Expiration" }).selectOption({ label: expiration });
  await dialog.getByRole("button", { name: "Create Key" }).click();
  await dialog.getByRole("button", { name: "I've Saved My Key" }).click();
  await expect(dialog).toBeHidden();
}

test("a key that expires within 7 days shows a badge in the list and on its page, and a banner", async ({
  page,
}) => {
  await signUp(page);
  await openApiKeys(page);
  await createExpiringKey(page, "Later", "30 days");
  const banner = page.getByRole("region", { name: "Keys expiring soon" });
  await expect(banner).toHaveCount(0);
  await expect(keyRow(page, "Later")).not.toContainText("Expires soon");

  await createExpiringKey(page, "Nearly gone", "7 days");
  await expect(keyRow(page, "Nearly gone")).toContainText("Expires soon");
  await expect(keyRow(page, "Nearly gone")).toContainText("Active");
  await expect(keyRow(page, "Later")).not.toContainText("Expires soon");
  await expect(banner).toContainText("1 key will expire within 7 days");
  await expect(banner).toContainText("Nearly gone");

  await banner.getByRole("link", { name: "Show keys that expire soon" }).click();
  await expect(page).toHaveURL(/status=expiring/);
  await expect(keyRow(page, "Nearly gone")).toBeVisible();
  await expect(keyRow(page, "Later")).toHaveCount(0);

  await keyRow(page, "Nearly gone").getByRole("link", { name: "Nearly gone" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Nearly gone" })).toBeVisible();
  await expect(page.getByText("Expires soon")).toBeVisible();

  // Pushing the expiry out on the key's page clears the warning.
  await page.getByRole("combobox", { name: "Expiration" }).selectOption({ label: "90 days" });
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
  await expect(page.getByText("Expires soon")).toHaveCount(0);
  await openApiKeys(page);
  await expect(banner).toHaveCount(0);
});

test("narrowing a key's scopes on its page makes its next API call 403", async ({ page }) => {
  await signUp(page);
  await openApiKeys(page);
  const key = await createKey(page, {
    name: "Narrowed",
    scopes: ["customers:read", "customers:write"],
  });
  expect((await customers(page, key)).status()).toBe(200);

  await keyRow(page, "Narrowed").getByRole("link", { name: "Narrowed" }).click();
  const form = page.getByRole("form", { name: "Settings" });
  await expect(form.getByRole("checkbox", { name: "customers:read", exact: true })).toBeChecked();

  // A bad value is refused with a field error and keeps what was typed; nothing is saved.
  await form.getByRole("checkbox", { name: "customers:read" }).uncheck();
  await form.getByRole("spinbutton", { name: "Rate limit (requests per minute)" }).fill("0");
  await form.getByRole("button", { name: "Save changes" }).click();
  const rate = form.getByRole("spinbutton", { name: "Rate limit (requests per minute)" });
  await expect(rate).toHaveAccessibleDescription(/at least 1 request per minute/);
  await expect(rate).toHaveValue("0");
  await expect(form.getByRole("button", { name: "Save changes" })).toBeEnabled();
  await expect(form.getByRole("checkbox", { name: "customers:read" })).not.toBeChecked();
  expect((await customers(page, key)).status()).toBe(200);

  await rate.fill("");
  await expect(rate).toHaveValue("");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByRole("status")).toHaveText("Changes saved.");

  const refused = await customers(page, key);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).code).toBe("insufficient_scope");

  const trail = page.getByRole("region", { name: "Audit trail" });
  await expect(trail.getByRole("cell", { name: "Updated" })).toBeVisible();
});

test("the settings form works before JavaScript runs", async ({ page, browser }) => {
  await signUp(page);
  await openApiKeys(page);
  await createKey(page, { name: "No JS", scopes: ["customers:read"] });
  await keyRow(page, "No JS").getByRole("link", { name: "No JS" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "No JS" })).toBeVisible();
  const url = page.url();

  const context = await browser.newContext({
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
  });
  const noJs = await context.newPage();
  await noJs.goto(url);
  const form = noJs.getByRole("form", { name: "Settings" });
  await form.getByRole("textbox", { name: "Name" }).fill("");
  await form.getByRole("textbox", { name: "Allowed IPs" }).fill("10.0.0.0/8");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByRole("textbox", { name: "Name" })).toHaveAccessibleDescription(
    "Enter a name.",
  );
  await expect(form.getByRole("textbox", { name: "Allowed IPs" })).toHaveValue("10.0.0.0/8");

  await form.getByRole("textbox", { name: "Name" }).fill("Renamed without JS");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(noJs.getByRole("heading", { level: 1, name: "Renamed without JS" })).toBeVisible();
  await expect(form.getByRole("textbox", { name: "Allowed IPs" })).toHaveValue("10.0.0.0/8");
  await context.close();
});

test("the overview shows requests, errors and the most used key after calls", async ({ page }) => {
  await signUp(page);
  await expect(page.getByRole("heading", { name: "Traffic" })).toBeVisible();
  await expect(page.getByText("No requests with this organization's keys")).toBeVisible();

  await openApiKeys(page);
  const key = await createKey(page, { name: "Busy key", scopes: ["customers:read"] });
  for (let i = 0; i < 3; i++) expect((await customers(page, key)).status()).toBe(200);
  const denied = await page.request.post("/api/v1/customers", {
    headers: { "X-API-Key": key },
    data: { name: "x", email: "x@example.test" },
  });
  expect(denied.status()).toBe(403);

  const stat = (label: string) =>
    page
      .locator("dl > div")
      .filter({ has: page.getByText(label, { exact: true }) })
      .getByRole("definition");
  // Usage is flushed every USAGE_FLUSH_MS (1 s in this suite).
  await expect(async () => {
    await page.goto("/");
    await expect(stat("Requests (24 h)")).toHaveText("4", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(stat("Error rate (24 h)")).toHaveText("25%");
  await expect(stat("Requests (7 d)")).toHaveText("4");
  await expect(
    page.getByRole("figure", { name: "Requests per hour, last 24 hours" }),
  ).toBeVisible();
  await expect(page.getByRole("region", { name: "Most used keys" })).toContainText("Busy key");
  await expect(page.getByRole("region", { name: "Most used keys" })).toContainText("4 requests");
  await expect(page.getByRole("region", { name: "Recent activity" })).toContainText("Created");
  await expect(page.getByRole("region", { name: "API keys" })).toContainText("Active");

  await page.getByRole("link", { name: "7d" }).click();
  await expect(page.getByRole("figure", { name: "Requests per day, last 7 days" })).toBeVisible();
});
