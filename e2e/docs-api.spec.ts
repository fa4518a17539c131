import AxeBuilder from "@axe-core/playwright";
import { expect, signedOut, test } from "./fixtures";

type Document = {
  info: { title: string; version: string };
  paths: Record<string, Record<string, { operationId: string; summary: string }>>;
  components: { schemas: Record<string, unknown> };
};

test.use(signedOut);

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("/docs/api shows every operation of the OpenAPI document, loading nothing from another host", async ({
    page,
    baseURL,
  }) => {
    const foreign: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(baseURL ?? "")) foreign.push(request.url());
    });
    const doc = (await (await page.request.get("/api/v1/openapi.json")).json()) as Document;
    const response = await page.goto("/docs/api");
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("'nonce-");

    await expect(page.getByRole("heading", { level: 1, name: doc.info.title })).toBeVisible();
    await expect(page.getByText(`Version ${doc.info.version}`)).toBeVisible();
    await expect(page.getByText("License: Apache-2.0")).toBeVisible();
    const nav = page.getByRole("navigation", { name: "API reference" });
    await expect(nav.getByRole("link", { name: "API keys", exact: true })).toBeVisible();

    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, ...op })),
    );
    expect(operations.length).toBeGreaterThan(10);
    for (const op of operations) {
      const link = nav.locator(`a[href="#${op.operationId}"]`);
      await expect(link).toContainText(op.method.toUpperCase());
      await expect(link).toContainText(op.summary);
      const section = page.locator(`section#${op.operationId}`);
      await expect(section.getByRole("heading", { level: 3, name: op.summary })).toBeVisible();
      await expect(
        section.getByText(`${op.method.toUpperCase()} ${op.path}`).first(),
      ).toBeVisible();
    }
    for (const name of Object.keys(doc.components.schemas)) {
      await expect(page.locator(`#schema-${name}`)).toBeAttached();
    }

    // A request body and a response, with their fields, $refs resolved.
    const create = page.locator("section#createApiKey");
    await expect(create.getByText("Request body")).toBeVisible();
    await expect(create.locator("dt", { hasText: /^scopes/ }).first()).toContainText("required");
    await expect(create.getByText("api_keys:write").first()).toBeVisible();
    await expect(create.getByRole("link", { name: "CreatedApiKey" }).first()).toHaveAttribute(
      "href",
      "#schema-CreatedApiKey",
    );
    expect(foreign).toEqual([]);
  });

  test("every problem's type points at its entry on /docs/api", async ({ page }) => {
    const problems = [
      await page.request.get("/api/v1/me"),
      await page.request.get("/api/v1/me", { headers: { "x-api-key": "lk_live_nope" } }),
      await page.request.get("/api/v1/no-such-route"),
      await page.request.post("/api/v1/health"),
    ];
    const types = new Set<string>();
    for (const res of problems) types.add(((await res.json()) as { type: string }).type);
    expect(types.size).toBe(4);
    for (const type of types) {
      expect(type).toMatch(/^\/docs\/api#error-[a-z_]+$/);
      await page.goto(type);
      const code = type.split("#error-")[1] ?? "";
      await expect(page.locator(`#error-${code}`)).toContainText(code);
    }
  });
});

test("/docs/api runs under the page CSP without a violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { level: 1, name: "Latchkey API" })).toBeVisible();
  await page.getByRole("navigation").locator('a[href="#verifyKey"]').click();
  await expect(page).toHaveURL(/#verifyKey$/);
  expect(violations).toEqual([]);
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`/docs/api has no serious accessibility violation in the ${colorScheme} theme`, async ({
    page,
  }) => {
    test.slow();
    await page.emulateMedia({ colorScheme });
    await page.goto("/docs/api");
    await expect(page.getByRole("heading", { level: 1, name: "Latchkey API" })).toBeVisible();
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(serious).toEqual([]);
  });
}
