import { expect, test } from "@playwright/test";
import { createKey, keyRow, openApiKeys, signUp } from "./helpers";

test("a key reported as leaked is disabled, refused, and flagged in the list and on its page", async ({
  page,
}) => {
  await signUp(page);
  await openApiKeys(page);
  const key = await createKey(page, { name: "Leaky integration" });
  expect((await page.request.get("/api/v1/me", { headers: { "X-API-Key": key } })).status()).toBe(
    200,
  );

  const report = await page.request.post("/api/v1/leaks", {
    data: [
      { token: key, type: "latchkey_api_key", url: "https://github.com/o/r", source: "commit" },
    ],
  });
  expect(report.status()).toBe(202);
  expect(await report.json()).toEqual({ received: 1 });

  await expect
    .poll(async () => {
      const res = await page.request.get("/api/v1/me", { headers: { "X-API-Key": key } });
      return (await res.json()).code;
    })
    .toBe("key_disabled");

  await page.reload();
  await expect(page.getByText(/reported as leaked/)).toBeVisible();
  const row = keyRow(page, "Leaky integration");
  await expect(row).toContainText("Reported leaked");
  await expect(row).toContainText("Disabled");
  await row.getByRole("link", { name: "Leaky integration" }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("definition").getByText("Reported leaked")).toBeVisible();
  await expect(page.getByText(/reported as leaked/)).toBeVisible();
  await expect(page.getByRole("region", { name: "Audit trail" })).toContainText("Leak report");
});

test("a maximum lifetime removes “Never” from the create dialog", async ({ page }) => {
  await signUp(page);
  await page.goto("/settings/general");
  await page.getByRole("link", { name: "Key policy" }).click();
  await expect(page).toHaveURL(/\/settings\/key-policy$/);
  await page.getByRole("combobox", { name: "Maximum lifetime" }).selectOption("30 days");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Key policy saved.")).toBeVisible();

  await openApiKeys(page);
  await page.getByRole("button", { name: "Create API Key" }).click();
  const expiration = page.getByRole("dialog").getByRole("combobox", { name: "Expiration" });
  await expect(expiration.getByRole("option", { name: "Never" })).toHaveCount(0);
  await expect(expiration.getByRole("option", { name: "60 days" })).toHaveCount(0);
  await expect(expiration).toHaveValue("7");

  // A custom date past the limit is refused with a field error naming the policy.
  await page.getByRole("dialog").getByRole("textbox", { name: "Name" }).fill("Too long");
  await page.getByRole("dialog").getByRole("checkbox", { name: "customers:read" }).check();
  await expiration.selectOption("Custom date");
  const far = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
  await page.getByRole("dialog").getByLabel("Expiry date").fill(far);
  await page.getByRole("dialog").getByRole("button", { name: "Create Key" }).click();
  await expect(page.getByRole("dialog")).toContainText("at most 30 days");
});

test("a key used only to read shows the write scope as unused, and narrowing it refuses writes", async ({
  page,
}) => {
  await signUp(page);
  await openApiKeys(page);
  const key = await createKey(page, {
    name: "Reader",
    scopes: ["customers:read", "customers:write"],
  });
  const headers = { "X-API-Key": key };
  expect((await page.request.get("/api/v1/customers", { headers })).status()).toBe(200);

  await keyRow(page, "Reader").getByRole("link", { name: "Reader" }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys\/[0-9a-f-]{36}$/);
  const section = page.getByRole("region", { name: "Scopes in use" });
  // Usage is flushed every USAGE_FLUSH_MS (1 s here).
  await expect(async () => {
    await page.reload();
    await expect(section.getByRole("listitem").filter({ hasText: "customers:read" })).toContainText(
      "Used",
    );
  }).toPass({ timeout: 15_000 });
  await expect(section.getByRole("listitem").filter({ hasText: "customers:write" })).toContainText(
    "Not used in 30 days",
  );

  await section.getByRole("button", { name: "Remove unused scopes" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Remove scopes" }).click();
  await expect(section.getByRole("listitem")).toHaveCount(1);
  await expect(section.getByRole("button", { name: "Remove unused scopes" })).toHaveCount(0);

  const write = await page.request.post("/api/v1/customers", {
    headers,
    data: { name: "Ada", email: "ada@example.com" },
  });
  expect(write.status()).toBe(403);
  expect((await write.json()).code).toBe("insufficient_scope");
});
