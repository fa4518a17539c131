import { expect, newOrganization, signedOut, test } from "./fixtures";
import { createKey, keyRow, newAccount, openApiKeys, signIn, signOut, signUp } from "./helpers";

test("create a key: shown once, copied, then gone for good", async ({ page }) => {
  await newOrganization(page);
  await openApiKeys(page);
  await expect(page.getByRole("heading", { name: "API Keys" })).toBeVisible();
  await expect(page.getByText("No API keys yet")).toBeVisible();

  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByRole("textbox", { name: "Name" }).fill("Production API");
  await dialog.getByRole("textbox", { name: "Description" }).fill("Main integration");
  await dialog.getByRole("checkbox", { name: "customers:read" }).check();
  await dialog.getByRole("checkbox", { name: "customers:write" }).check();
  await expect(dialog.getByRole("radio", { name: "Live" })).toBeChecked();
  await dialog.getByRole("combobox", { name: "Expiration" }).selectOption({ label: "90 days" });
  await dialog.getByRole("textbox", { name: "Allowed IPs" }).fill("203.0.113.0/24\n127.0.0.1");
  await dialog.getByRole("spinbutton", { name: "Rate limit (requests per minute)" }).fill("100");
  await dialog.getByRole("button", { name: "Create Key" }).click();

  const card = dialog.getByTestId("new-api-key");
  await expect(card).toBeVisible();
  const key = (await card.textContent())?.trim() ?? "";
  expect(key).toMatch(/^lk_live_[0-9A-Za-z]{38}$/);
  await expect(dialog.getByText("It will not be shown again")).toBeVisible();

  await dialog.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByText("API key copied to the clipboard.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  await dialog.getByRole("button", { name: "I've Saved My Key" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(key)).toHaveCount(0);

  const row = keyRow(page, "Production API");
  await expect(row).toContainText(`${key.slice(0, 12)}••••••••`);
  await expect(row).toContainText("Never");
  await expect(row).toContainText("Active");
  await expect(row).toContainText("customers:write");

  await page.reload();
  await expect(keyRow(page, "Production API")).toBeVisible();
  expect(await page.content()).not.toContain(key.slice(12));
  const html = await (await page.request.get("/settings/api-keys")).text();
  expect(html).toContain(key.slice(0, 12));
  expect(html).not.toContain(key.slice(12));
});

test("closing the dialog before saving the key asks first", async ({ page }) => {
  await newOrganization(page);
  await openApiKeys(page);
  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByRole("textbox", { name: "Name" }).fill("Careful");
  await dialog.getByRole("checkbox", { name: "customers:read" }).check();
  await dialog.getByRole("button", { name: "Create Key" }).click();
  await expect(dialog.getByTestId("new-api-key")).toBeVisible();
  await page.keyboard.press("Escape");
  const confirm = page.getByRole("alertdialog", { name: "Close without saving the key?" });
  await confirm.getByRole("button", { name: "Go back" }).click();
  await expect(dialog.getByTestId("new-api-key")).toBeVisible();
  await page.keyboard.press("Escape");
  await confirm.getByRole("button", { name: "Close anyway" }).click();
  await expect(dialog).toBeHidden();
  await expect(keyRow(page, "Careful")).toBeVisible();
});

test("field errors for an empty name, a too-long name and an invalid CIDR", async ({ page }) => {
  await newOrganization(page);
  await openApiKeys(page);
  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByRole("button", { name: "Create Key" }).click();
  await expect(dialog.getByText("Enter a name.")).toBeVisible();
  await expect(dialog.getByText("Choose at least one scope.")).toBeVisible();

  await dialog.getByRole("textbox", { name: "Name" }).fill("x".repeat(65));
  await dialog.getByRole("checkbox", { name: "customers:read" }).check();
  await dialog.getByRole("textbox", { name: "Allowed IPs" }).fill("10.0.0.0/33");
  await dialog.getByRole("button", { name: "Create Key" }).click();
  await expect(dialog.getByText("Name must be at most 64 characters.")).toBeVisible();
  await expect(dialog.getByText("Not a valid IP address or CIDR range: 10.0.0.0/33")).toBeVisible();
  await expect(dialog.getByRole("textbox", { name: "Name" })).toHaveAttribute(
    "aria-invalid",
    "true",
  );
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByText("No API keys yet")).toBeVisible();
});

test("disable, enable, revoke with cancel and confirm; the audit log has it all in order", async ({
  page,
  account,
}) => {
  await newOrganization(page);
  await openApiKeys(page);
  await createKey(page, { name: "Lifecycle key" });
  const row = keyRow(page, "Lifecycle key");

  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("Disabled");
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row).toContainText("Active");

  await row.getByRole("button", { name: "Revoke" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("Revoke “Lifecycle key”?");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toContainText("Active");

  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button")).toHaveCount(0);

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  const body = page.getByRole("table").locator("tbody tr");
  await expect(body).toHaveCount(4);
  expect(await body.locator("td:nth-child(3)").allTextContents()).toEqual([
    "Revoked",
    "Enabled",
    "Disabled",
    "Created",
  ]);
  for (const cell of await body.locator("td:nth-child(2)").allTextContents()) {
    expect(cell).toBe(account.name);
  }
  for (const cell of await body.locator("td:nth-child(4)").allTextContents()) {
    expect(cell).toBe("Lifecycle key");
  }

  // The key's own page shows its details and the same trail.
  await page.getByRole("link", { name: "Lifecycle key" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Lifecycle key" })).toBeVisible();
  const trail = page.getByRole("region", { name: "Audit trail" });
  await expect(trail.getByRole("table").locator("tbody tr")).toHaveCount(4);
  await expect(page.getByText("No requests with this key in the last 7d.")).toBeVisible();
});

test("bulk disable and bulk revoke", async ({ page }) => {
  await newOrganization(page);
  await openApiKeys(page);
  for (const name of ["Bulk one", "Bulk two", "Bulk three"]) await createKey(page, { name });

  await expect(page.getByRole("button", { name: "Disable selected" })).toHaveCount(0);
  await keyRow(page, "Bulk one").getByRole("checkbox").check();
  await keyRow(page, "Bulk two").getByRole("checkbox").check();
  await page.getByRole("button", { name: "Disable selected" }).click();
  await expect(keyRow(page, "Bulk one")).toContainText("Disabled");
  await expect(keyRow(page, "Bulk two")).toContainText("Disabled");
  await expect(keyRow(page, "Bulk three")).toContainText("Active");

  await page.getByRole("checkbox", { name: "Select all keys on this page" }).check();
  await page.getByRole("button", { name: "Revoke selected" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("Revoke 3 keys?");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(keyRow(page, "Bulk three")).toContainText("Active");
  await page.getByRole("button", { name: "Revoke selected" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
  for (const name of ["Bulk one", "Bulk two", "Bulk three"]) {
    await expect(keyRow(page, name)).toContainText("Revoked");
    await expect(keyRow(page, name).getByRole("button")).toHaveCount(0);
  }
  await expect(page.getByRole("button", { name: "Revoke selected" })).toHaveCount(0);

  // Filtering and search run on the server.
  await page.getByRole("combobox", { name: "Filter by status" }).selectOption("active");
  await expect(page.getByText("No keys match these filters.")).toBeVisible();
  await page.getByRole("combobox", { name: "Filter by status" }).selectOption("revoked");
  await page.getByRole("searchbox", { name: "Search keys" }).fill("two");
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(1);
  await expect(keyRow(page, "Bulk two")).toBeVisible();
});

test.describe("with users of its own", () => {
  test.use(signedOut);

  test("a member sees the keys read-only", async ({ page }) => {
    const member = await signUp(page, newAccount("member"));
    await signOut(page);
    const owner = await signUp(page, newAccount("owner"));
    await openApiKeys(page);
    await createKey(page, { name: "Shared key" });
    await page.goto("/settings/members");
    await page.getByRole("textbox", { name: "Email" }).fill(member.email);
    await page.getByRole("button", { name: "Add member" }).click();
    await expect(page.getByRole("row").filter({ hasText: member.email })).toBeVisible();
    await signOut(page);

    await signIn(page, member);
    await page.getByRole("combobox", { name: "Organization" }).selectOption({
      label: `${owner.organization} (member)`,
    });
    await expect(page.getByRole("heading", { level: 1, name: owner.organization })).toBeVisible();
    await openApiKeys(page);
    const row = keyRow(page, "Shared key");
    await expect(row).toContainText("Active");
    await expect(row.getByRole("button")).toHaveCount(0);
    await expect(row.getByRole("checkbox")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Create API Key" })).toHaveCount(0);
  });
});
