import { expect, test } from "@playwright/test";
import { createKey, openApiKeys, signUp } from "./helpers";

test("under “Require allowed IPs”, a live key without them is not rolled and 0.0.0.0/0 does not count", async ({
  page,
}) => {
  await signUp(page);
  await openApiKeys(page);
  await createKey(page, { name: "Before the policy" });

  await page.goto("/settings/key-policy");
  await page.getByRole("checkbox", { name: "Require allowed IPs for live keys" }).check();
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Key policy saved.")).toBeVisible();

  await openApiKeys(page);
  await page.getByRole("link", { name: "Before the policy", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys\/[0-9a-f-]{36}$/);
  await page.getByRole("button", { name: "Roll key" }).click();
  const roll = page.getByRole("dialog", { name: "Roll key" });
  await roll.getByRole("button", { name: "Roll key" }).click();
  await expect(roll).toContainText("The key policy requires allowed IPs for live keys.");
  await expect(roll.getByTestId("new-api-key")).toHaveCount(0);
  await roll.getByRole("button", { name: "Cancel" }).click();

  await openApiKeys(page);
  await page.getByRole("button", { name: "Create API Key" }).click();
  const create = page.getByRole("dialog", { name: "Create API Key" });
  await create.getByRole("textbox", { name: "Name" }).fill("Open to all");
  await create.getByRole("checkbox", { name: "customers:read" }).check();
  await create.getByRole("textbox", { name: "Allowed IPs" }).fill("0.0.0.0/0");
  await create.getByRole("button", { name: "Create Key" }).click();
  await expect(create).toContainText("a list that allows every address");
  await expect(create.getByTestId("new-api-key")).toHaveCount(0);
});
