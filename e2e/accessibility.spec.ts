import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, newOrganization, signedOut, test } from "./fixtures";
import { createKey, keyRow, openApiKeys } from "./helpers";

/** Every axe rule runs; a serious or critical violation fails, named with where it is. */
async function expectAccessible(page: Page, what: string) {
  // The page at rest: a button the test just clicked would otherwise be scanned mid-way through
  // its hover transition, in colours no one reads it in.
  await page.mouse.move(0, 0);
  await page.waitForTimeout(200);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `${what} has serious accessibility violations`).toEqual([]);
}

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`${colorScheme} theme`, () => {
    test.use({ colorScheme });
    // axe takes a few seconds per scan on a busy machine.
    test.slow();

    test.describe("signed out", () => {
      test.use(signedOut);

      test("sign-in and sign-up pages, also with errors shown", async ({ page }) => {
        await page.goto("/sign-in");
        await expectAccessible(page, "/sign-in");
        await page.getByRole("button", { name: "Sign in" }).click();
        await expect(page.getByText("Enter your email.")).toBeVisible();
        await expectAccessible(page, "/sign-in with errors");
        await page.goto("/sign-up");
        await expectAccessible(page, "/sign-up");
        await page.getByRole("button", { name: "Create account" }).click();
        await expect(page.getByText("Enter your name.")).toBeVisible();
        await expectAccessible(page, "/sign-up with errors");
      });
    });

    test("overview, general settings, members and welcome", async ({ page }) => {
      await newOrganization(page);
      await expectAccessible(page, "overview");
      await page.goto("/settings/general");
      await expectAccessible(page, "general settings");
      await page.goto("/settings/members");
      await expectAccessible(page, "members");
      await page.goto("/welcome");
      await expectAccessible(page, "welcome");
    });

    test("your account, also with errors shown", async ({ page }) => {
      await page.goto("/settings/account");
      await expectAccessible(page, "your account");
      // Empty fields: refused before any password is checked, so the shared user is untouched.
      await page.getByRole("button", { name: "Change password" }).click();
      await expect(page.getByText("Enter your current password.")).toBeVisible();
      await expectAccessible(page, "your account with errors");
    });

    test("API & Integrations, the create dialog, the copy card and the success toast", async ({
      page,
    }) => {
      await newOrganization(page);
      await openApiKeys(page);
      await expectAccessible(page, "API & Integrations without keys");
      await page.getByRole("button", { name: "Create API Key" }).click();
      const dialog = page.getByRole("dialog", { name: "Create API Key" });
      await expectAccessible(page, "create dialog");
      await dialog.getByRole("button", { name: "Create Key" }).click();
      await expect(dialog.getByText("Enter a name.")).toBeVisible();
      await expectAccessible(page, "create dialog with errors");
      await dialog.getByRole("textbox", { name: "Name" }).fill("Audited key");
      await dialog.getByRole("checkbox", { name: "customers:read" }).check();
      await dialog.getByRole("button", { name: "Create Key" }).click();
      await expect(dialog.getByTestId("new-api-key")).toBeVisible();
      await expect(page.getByText("Created “Audited key”.")).toBeVisible();
      await expectAccessible(page, "copy card with the success toast");
    });

    test("the key list with a selection, the revoke confirmation, key details and the audit log", async ({
      page,
    }) => {
      await newOrganization(page);
      await openApiKeys(page);
      await createKey(page, { name: "Audited key", usageLimit: "100", refill: "Every day" });
      await createKey(page, { name: "Second key" });
      await keyRow(page, "Second key").getByRole("button", { name: "Disable" }).click();
      await expect(keyRow(page, "Second key")).toContainText("Disabled");
      await keyRow(page, "Audited key").getByRole("checkbox").check();
      await expectAccessible(page, "API & Integrations with keys and a selection");
      await keyRow(page, "Audited key").getByRole("button", { name: "Revoke" }).click();
      await expectAccessible(page, "revoke confirmation");
      await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();

      await page.getByRole("link", { name: "Audited key", exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Audited key" })).toBeVisible();
      await expectAccessible(page, "key details");
      await page.goto("/settings/audit-log");
      await expectAccessible(page, "audit log");
    });
  });
}
