import { expect, newOrganization, signedOut, test } from "./fixtures";
import {
  createKey,
  detail,
  keyRow,
  newAccount,
  openApiKeys,
  signIn,
  signOut,
  signUp,
} from "./helpers";

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

test("a usage limit from the dialog shows on the key's page, is edited in place and topped up", async ({
  page,
}) => {
  await newOrganization(page);
  await openApiKeys(page);
  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByRole("textbox", { name: "Name" }).fill("Metered");
  await dialog.getByRole("checkbox", { name: "customers:read" }).check();
  const limit = dialog.getByRole("textbox", { name: "Usage limit" });
  await expect(limit).toHaveAccessibleDescription(/Empty means unlimited/);
  const refill = dialog.getByRole("combobox", { name: "Refill" });
  await expect(refill.getByRole("option")).toHaveText(["Never", "Every day", "Every month"]);
  await expect(refill).toHaveAccessibleDescription(/UTC/);

  // Bad input: a field error on the field, nothing created, what was typed kept.
  await limit.fill("five");
  await refill.selectOption({ label: "Every day" });
  await dialog.getByRole("button", { name: "Create Key" }).click();
  await expect(limit).toHaveAccessibleDescription(/Enter a whole number of requests\./);
  await expect(limit).toHaveAttribute("aria-invalid", "true");
  await expect(limit).toHaveValue("five");
  await limit.fill("");
  await dialog.getByRole("button", { name: "Create Key" }).click();
  await expect(refill).toHaveAccessibleDescription(/Set a usage limit to refill it\./);

  await limit.fill("5");
  await dialog.getByRole("button", { name: "Create Key" }).click();
  await expect(dialog.getByTestId("new-api-key")).toBeVisible();
  await dialog.getByRole("button", { name: "I've Saved My Key" }).click();
  await expect(keyRow(page, "Metered")).toBeVisible();
  await expect(keyRow(page, "Metered")).not.toContainText("Usage exhausted");

  await keyRow(page, "Metered").getByRole("link", { name: "Metered" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Metered" })).toBeVisible();
  await expect(detail(page, "Usage left")).toHaveText("5 of 5 · refills daily");

  // The limit, edited in place: what is left moves with it.
  const settings = page.getByRole("form", { name: "Settings" });
  await expect(settings.getByRole("textbox", { name: "Usage limit" })).toHaveValue("5");
  await expect(settings.getByRole("combobox", { name: "Refill" })).toHaveValue("daily");
  await settings.getByRole("textbox", { name: "Usage limit" }).fill("8");
  await settings.getByRole("combobox", { name: "Refill" }).selectOption({ label: "Every month" });
  await settings.getByRole("button", { name: "Save changes" }).click();
  await expect(settings.getByRole("status")).toHaveText("Changes saved.");
  await expect(detail(page, "Usage left")).toHaveText("8 of 8 · refills monthly");

  // Set to nothing left: the key shows as exhausted here and in the list…
  const usageLeft = page.getByRole("form", { name: "Usage left" });
  await usageLeft.getByRole("textbox", { name: "Set usage left" }).fill("-1");
  await usageLeft.getByRole("button", { name: "Set usage left" }).click();
  await expect(
    usageLeft.getByRole("textbox", { name: "Set usage left" }),
  ).toHaveAccessibleDescription(/Enter a whole number of requests\./);
  await usageLeft.getByRole("textbox", { name: "Set usage left" }).fill("0");
  await usageLeft.getByRole("button", { name: "Set usage left" }).click();
  await expect(usageLeft.getByRole("status")).toHaveText("Usage left saved.");
  await expect(detail(page, "Usage left")).toHaveText("0 of 8 · refills monthly");
  await expect(detail(page, "Status")).toContainText("Usage exhausted");
  await page.goto("/");
  const low = page.getByRole("region", { name: "Running out of usage" });
  await expect(low).toContainText("Metered");
  await expect(low).toContainText("Usage exhausted");
  await openApiKeys(page);
  await expect(keyRow(page, "Metered")).toContainText("Usage exhausted");

  // …and a top-up, typed and sent from the keyboard, gives it requests again.
  await keyRow(page, "Metered").getByRole("link", { name: "Metered" }).click();
  await page.getByRole("textbox", { name: "Set usage left" }).fill("5");
  await page.getByRole("textbox", { name: "Set usage left" }).press("Enter");
  await expect(detail(page, "Usage left")).toHaveText("5 of 8 · refills monthly");
  await expect(detail(page, "Status")).not.toContainText("Usage exhausted");
  const trail = page.getByRole("region", { name: "Audit trail" });
  await expect(trail.getByRole("cell", { name: "Updated" })).toHaveCount(3);
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
