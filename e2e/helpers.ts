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
