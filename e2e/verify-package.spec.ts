import type { Page } from "@playwright/test";
import { assertPackageBuilt, type ExampleService, startExample } from "./example-service";
import { expect, newOrganization, test } from "./fixtures";
import { createKey, keyRow, openApiKeys } from "./helpers";

/**
 * examples/express-api, on the built @latchkey/verify, protecting its routes with keys made in
 * the UI of the production app: once verifying in-process against the app's PostgreSQL (direct),
 * once through the app's verify route (remote).
 */
const MODES = ["direct", "remote"] as const;

for (const mode of MODES) {
  test.describe(`the example service in ${mode} mode`, () => {
    test.skip(
      mode === "direct" && !process.env.DATABASE_URL,
      "direct mode needs DATABASE_URL: the example is a client of the app's PostgreSQL, and PGlite admits no second process",
    );

    let example: ExampleService | undefined;
    test.afterEach(async () => {
      await example?.stop();
      example = undefined;
    });

    /** Starts the example for the signed-in user's current organization. */
    async function start(page: Page, baseURL: string, someKey: string) {
      assertPackageBuilt();
      // Usage is written every USAGE_FLUSH_MS: soon enough to see it on the key's page.
      const common = { USAGE_FLUSH_MS: "300" };
      if (mode === "direct") {
        const me = await page.request.get("/api/v1/me", { headers: { "X-API-Key": someKey } });
        const { organization } = (await me.json()) as { organization: { id: string } };
        return startExample({
          ...common,
          LATCHKEY_DATABASE_URL: process.env.DATABASE_URL as string,
          LATCHKEY_ORGANIZATION_ID: organization.id,
        });
      }
      const verifierKey = await createKey(page, {
        name: "Example service",
        scopes: ["keys:verify"],
      });
      return startExample({ ...common, LATCHKEY_URL: baseURL, LATCHKEY_API_KEY: verifierKey });
    }

    test("a key made in the UI opens its routes until disabled, within its scopes and rate limit, and its usage shows", async ({
      page,
      baseURL,
    }) => {
      test.setTimeout(120_000);
      await newOrganization(page);
      await openApiKeys(page);
      const key = await createKey(page, { name: "Things reader", scopes: ["customers:read"] });
      example = await start(page, baseURL as string, key);
      const things = (credential: string) =>
        fetch(`${example?.url}/v1/things`, {
          headers: { "X-API-Key": credential },
          signal: AbortSignal.timeout(10_000),
        });
      const problemOf = async (res: Response) => {
        expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json(;|$)/);
        return (await res.json()) as { status: number; code: string };
      };

      const ok = await things(key);
      expect(ok.status, example.output()).toBe(200);
      expect(await ok.json()).toMatchObject({ key: "Things reader" });
      expect(ok.headers.get("ratelimit-limit")).toBe("600");
      expect(ok.headers.get("ratelimit-remaining")).toBe("599");

      // Cached for a minute once the verifier's change listener is known to work (a second
      // after it starts): from here on, only the change notification can make it look again.
      await page.waitForTimeout(1200);
      expect((await things(key)).status).toBe(200);

      // Disabled in the UI: the example's very next request is refused.
      const row = keyRow(page, "Things reader");
      await row.getByRole("button", { name: "Disable" }).click();
      await expect(row).toContainText("Disabled");
      const disabled = await things(key);
      expect(disabled.status).toBe(401);
      expect(disabled.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await problemOf(disabled)).toMatchObject({ status: 401, code: "key_disabled" });

      const writer = await createKey(page, { name: "Things writer", scopes: ["customers:write"] });
      const unscoped = await things(writer);
      expect(unscoped.status).toBe(403);
      expect(await problemOf(unscoped)).toMatchObject({ status: 403, code: "insufficient_scope" });

      const limited = await createKey(page, { name: "Two a minute", rateLimitPerMinute: 2 });
      expect((await things(limited)).status).toBe(200);
      expect((await things(limited)).status).toBe(200);
      const third = await things(limited);
      expect(third.status).toBe(429);
      expect(await problemOf(third)).toMatchObject({ status: 429, code: "rate_limited" });
      expect(third.headers.get("ratelimit-limit")).toBe("2");
      expect(third.headers.get("ratelimit-remaining")).toBe("0");
      const reset = Number(third.headers.get("ratelimit-reset"));
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
      expect(third.headers.get("retry-after")).toBe(String(reset));

      // The reader's three requests (two served, one refused) on its page, under the example's route.
      await page.getByRole("link", { name: "Things reader", exact: true }).click();
      await expect(page).toHaveURL(/\/settings\/api-keys\/[0-9a-f-]{36}$/);
      const usage = page.getByRole("region", { name: "Usage" });
      const route = usage.getByRole("row").filter({ hasText: "GET /v1/things" });
      await expect(async () => {
        await page.reload();
        await expect(route.getByRole("cell")).toHaveText(["GET /v1/things", "3"]);
      }).toPass({ timeout: 20_000 });
      const lastUsed = page
        .getByRole("term")
        .filter({ hasText: /^Last used$/ })
        .locator("xpath=following-sibling::dd[1]");
      await expect(lastUsed).not.toHaveText("Never");
    });
  });
}
