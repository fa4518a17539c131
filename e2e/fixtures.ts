import { readFileSync } from "node:fs";
import path from "node:path";
import { test as base, expect, type Page } from "@playwright/test";
import { type Account, newAccount } from "./helpers";

export const authDir = path.join(import.meta.dirname, ".auth");
export const storageFile = (worker: number) => path.join(authDir, `worker-${worker}.json`);
export const accountFile = (worker: number) => path.join(authDir, `worker-${worker}.account.json`);

/**
 * Specs start signed in as their worker's user (made by auth.setup.ts). That user is shared by
 * every test of the worker: a test that needs its own data makes its own organization with
 * `newOrganization`, and no test signs this user out (that would end the session everywhere).
 * Specs about accounts use `signedOut` and sign up their own users.
 */
export const test = base.extend<object, { account: Account }>({
  account: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from this pattern.
    async ({}, use, workerInfo) => {
      const worker = workerInfo.parallelIndex % workerInfo.config.workers;
      await use(JSON.parse(readFileSync(accountFile(worker), "utf8")) as Account);
    },
    { scope: "worker" },
  ],
  storageState: async ({ account: _ }, use, testInfo) => {
    await use(storageFile(testInfo.parallelIndex % testInfo.config.workers));
  },
});

export { expect };

/** For `test.use(signedOut)`: a fresh browser without the worker's session. */
export const signedOut = { storageState: { cookies: [], origins: [] } };

/** Creates an organization for the signed-in user, switches to it and returns its name. */
export async function newOrganization(page: Page, name = newAccount().organization) {
  await page.goto("/welcome");
  await page.getByRole("textbox", { name: "Organization" }).fill(name);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return name;
}
