import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";

export type Account = { name: string; email: string; password: string; organization: string };

export function newAccount(prefix = "user"): Account {
  const id = randomUUID().slice(0, 8);
  return {
    name: `${prefix} ${id}`,
    email: `${prefix}-${id}@example.test`,
    password: `pw-${randomUUID()}`,
    organization: `Org ${id}`,
  };
}

/** Signs up a new user with their own organization and lands on the overview. */
export async function signUp(page: Page, account: Account = newAccount()): Promise<Account> {
  await page.goto("/sign-up");
  await page.getByRole("textbox", { name: "Name" }).fill(account.name);
  await page.getByRole("textbox", { name: "Email" }).fill(account.email);
  await page.getByRole("textbox", { name: "Password" }).fill(account.password);
  await page.getByRole("textbox", { name: "Organization" }).fill(account.organization);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return account;
}

export async function signIn(page: Page, account: Pick<Account, "email" | "password">) {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(account.email);
  await page.getByRole("textbox", { name: "Password" }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

export async function openApiKeys(page: Page) {
  await page.goto("/settings/general");
  await page.getByRole("link", { name: "API & Integrations" }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  await expect(page.getByRole("heading", { level: 1, name: "API & Integrations" })).toBeVisible();
}

/** Creates a key through the dialog and returns the full key from the copy card. */
export async function createKey(
  page: Page,
  options: {
    name: string;
    scopes?: string[];
    environment?: "Live" | "Test";
    allowedIps?: string;
    usageLimit?: string;
    refill?: "Never" | "Every day" | "Every month";
    rateLimitPerMinute?: number;
  },
): Promise<string> {
  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByRole("textbox", { name: "Name" }).fill(options.name);
  for (const scope of options.scopes ?? ["customers:read"]) {
    await dialog.getByRole("checkbox", { name: scope }).check();
  }
  if (options.environment) await dialog.getByRole("radio", { name: options.environment }).check();
  if (options.allowedIps) {
    await dialog.getByRole("textbox", { name: "Allowed IPs" }).fill(options.allowedIps);
  }
  if (options.usageLimit) {
    await dialog.getByRole("textbox", { name: "Usage limit" }).fill(options.usageLimit);
  }
  if (options.refill) {
    await dialog.getByRole("combobox", { name: "Refill" }).selectOption({ label: options.refill });
  }
  if (options.rateLimitPerMinute !== undefined) {
    await dialog
      .getByRole("spinbutton", { name: "Rate limit (requests per minute)" })
      .fill(String(options.rateLimitPerMinute));
  }
  await dialog.getByRole("button", { name: "Create Key" }).click();
  const key = (await dialog.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^lk_(live|test)_[0-9A-Za-z]{38}$/);
  await dialog.getByRole("button", { name: "I've Saved My Key" }).click();
  await expect(dialog).toBeHidden();
  return key;
}

export function keyRow(page: Page, name: string) {
  return page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
}

/** The value of a row of a key's "Details" list, e.g. "Usage left". */
export function detail(page: Page, label: string) {
  return page
    .getByRole("term")
    .filter({ hasText: new RegExp(`^${label}$`) })
    .locator("xpath=following-sibling::dd[1]");
}
