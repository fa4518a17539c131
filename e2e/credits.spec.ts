import type { Page } from "@playwright/test";
import { expect, newOrganization, test } from "./fixtures";
import { createKey, detail, keyRow, openApiKeys } from "./helpers";

const customers = (page: Page, key: string) =>
  page.request.get("/api/v1/customers", { headers: { "X-API-Key": key } });

test("a key with a usage limit of 5 makes 5 requests, is refused the 6th until topped up", async ({
  page,
}) => {
  await newOrganization(page);
  await openApiKeys(page);
  const key = await createKey(page, {
    name: "Five calls",
    scopes: ["customers:read"],
    usageLimit: "5",
  });

  for (let i = 1; i <= 5; i++) {
    const ok = await customers(page, key);
    expect(ok.status(), `request ${i}`).toBe(200);
    expect(ok.headers()["usage-limit"]).toBe("5");
    expect(ok.headers()["usage-remaining"]).toBe(String(5 - i));
  }
  const refused = await customers(page, key);
  expect(refused.status()).toBe(429);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
  expect((await refused.json()).code).toBe("usage_exceeded");
  // A key that never refills has no time to wait for.
  expect(refused.headers()["retry-after"]).toBeUndefined();

  // Spent credits reach the database with the usage flush (USAGE_FLUSH_MS, 1 s in this suite).
  await keyRow(page, "Five calls").getByRole("link", { name: "Five calls" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Five calls" })).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(detail(page, "Usage left")).toHaveText("0 of 5", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await openApiKeys(page);
  await expect(keyRow(page, "Five calls")).toContainText("Usage exhausted");

  await keyRow(page, "Five calls").getByRole("link", { name: "Five calls" }).click();
  const usageLeft = page.getByRole("form", { name: "Usage left" });
  await usageLeft.getByRole("textbox", { name: "Set usage left" }).fill("5");
  await usageLeft.getByRole("button", { name: "Set usage left" }).click();
  await expect(usageLeft.getByRole("status")).toHaveText("Usage left saved.");
  await expect(detail(page, "Usage left")).toHaveText("5 of 5");

  // The top-up reaches every instance's cache through the change notification.
  await expect.poll(async () => (await customers(page, key)).status()).toBe(200);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await customers(page, key)).status());
  // One of the five topped-up credits went to the poll's request.
  expect(statuses).toEqual([200, 200, 200, 200, 429]);
});
