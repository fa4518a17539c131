import type { Locator, Page } from "@playwright/test";
import { expect, newOrganization, test } from "./fixtures";
import { createKey, keyRow, openApiKeys } from "./helpers";

/** Nothing on the page scrolls sideways, neither the page nor the table's own scroller. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() =>
    [document.documentElement, ...document.querySelectorAll("main *")]
      .filter(
        (el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "hidden",
      )
      .filter((el) => el === document.documentElement || getComputedStyle(el).overflowX === "auto")
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 80)),
  );
  expect(overflow).toEqual([]);
}

async function expectInView(page: Page, locator: Locator) {
  const box = await locator.boundingBox();
  const width = page.viewportSize()?.width ?? 0;
  expect(box, "rendered").not.toBeNull();
  expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
}

test("the keys table shows every row action without sideways scrolling at 1280 and 1024 px", async ({
  page,
}) => {
  test.slow();
  await newOrganization(page);
  await openApiKeys(page);
  const key = await createKey(page, {
    name: "Production integration",
    scopes: ["customers:read", "customers:write"],
  });
  await createKey(page, { name: "Never used", scopes: ["customers:read"] });
  expect((await page.request.get("/api/v1/me", { headers: { "X-API-Key": key } })).status()).toBe(
    200,
  );
  // Usage is flushed every second in this suite; from 10 s on, "Last used" reads "… seconds ago",
  // the longest it gets.
  await expect
    .poll(
      async () => {
        await page.reload();
        return keyRow(page, "Production integration").textContent();
      },
      { timeout: 30_000, intervals: [2_000] },
    )
    .toMatch(/seconds ago/);
  await keyRow(page, "Never used").getByRole("button", { name: "Disable" }).click();
  await expect(keyRow(page, "Never used")).toContainText("Disabled");

  for (const width of [1280, 1024]) {
    await page.setViewportSize({ width, height: 800 });
    await expectNoSidewaysScroll(page);
    for (const [name, actions] of [
      ["Production integration", ["Disable", "Revoke"]],
      ["Never used", ["Enable", "Revoke"]],
    ] as const) {
      for (const action of actions) {
        await expectInView(page, keyRow(page, name).getByRole("button", { name: action }));
      }
    }
  }
});

test("at 390 px every page stays usable without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await newOrganization(page);
  await openApiKeys(page);
  await createKey(page, { name: "Phone key" });
  for (const path of ["/", "/settings/general", "/settings/members", "/settings/audit-log"]) {
    await page.goto(path);
    await expect(page.locator("main").first()).toBeVisible();
    await expect(
      page.evaluate(() => document.documentElement.scrollWidth),
    ).resolves.toBeLessThanOrEqual(390);
    await expectInView(page, page.getByRole("button", { name: "Sign out" }));
  }
  await openApiKeys(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectInView(page, page.getByRole("button", { name: "Create API Key" }));
  await expectInView(page, page.getByRole("searchbox", { name: "Search keys" }));
  await page.getByRole("link", { name: "Phone key", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Phone key" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectInView(page, page.getByRole("button", { name: "Revoke" }));
});
