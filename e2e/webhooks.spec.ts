import { expect, type Page, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { startReceiver } from "../tests/webhook-receiver";
import { createKey, keyRow, openApiKeys, signOut, signUp } from "./helpers";

async function openKey(page: Page, name: string) {
  await keyRow(page, name).getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

test("set a webhook URL, copy the secret once, send a test event and see it delivered", async ({
  page,
  request,
}) => {
  const receiver = await startReceiver();
  try {
    await signUp(page);
    await openApiKeys(page);
    const admin = await createKey(page, {
      name: "Automation",
      scopes: ["api_keys:read", "api_keys:write"],
    });
    await createKey(page, { name: "Hooked" });
    await openKey(page, "Hooked");
    const keyId = page.url().split("/").pop() as string;

    await page.getByRole("textbox", { name: "Webhook URL" }).fill(receiver.url);
    await page.getByRole("button", { name: "Save webhook" }).click();
    const card = page.getByRole("region", { name: "Webhook signing secret" });
    const secret = (await card.getByTestId("webhook-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await card.getByRole("button", { name: "Copy" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await page.getByRole("button", { name: "I've Saved the Secret" }).click();
    await expect(card).toBeHidden();
    await expect(page.getByText(secret)).toHaveCount(0);

    await page.getByRole("button", { name: "Send test event" }).click();
    const deliveries = page.getByRole("table", { name: "Webhook deliveries" });
    const testRow = deliveries.getByRole("row").filter({ hasText: "webhook.test" });
    await expect(testRow).toContainText("Delivered");
    await expect(testRow.getByRole("cell", { name: "200", exact: true })).toBeVisible();

    // What arrived verifies with the copied secret.
    const test = receiver.received.find((m) => JSON.parse(m.body).type === "webhook.test");
    expect(test).toBeDefined();
    const payload = new Webhook(secret).verify(
      test?.body ?? "",
      test?.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({ type: "webhook.test", data: { keyId } });

    // The secret is never sent to the browser again.
    await page.reload();
    const html = await (await page.request.get(`/settings/api-keys/${keyId}`)).text();
    expect(html).not.toContain(secret.slice(6));
    expect(await page.content()).not.toContain(secret.slice(6));

    // The management API shows the same log, only to the key's own organization.
    const list = await request.get(`/api/v1/api-keys/${keyId}/webhook-deliveries`, {
      headers: { "x-api-key": admin },
    });
    expect(list.status()).toBe(200);
    const body = await list.json();
    expect(body.data.map((d: { eventType: string }) => d.eventType)).toContain("webhook.test");
    expect(JSON.stringify(body)).not.toContain(secret.slice(6));
    const queued = await request.post(`/api/v1/api-keys/${keyId}/webhook-test`, {
      headers: { "x-api-key": admin },
    });
    expect(queued.status()).toBe(202);

    await signOut(page);
    await signUp(page);
    await openApiKeys(page);
    const outsider = await createKey(page, {
      name: "Outsider",
      scopes: ["api_keys:read", "api_keys:write"],
    });
    for (const [method, path] of [
      ["GET", "webhook-deliveries"],
      ["POST", "webhook-test"],
    ] as const) {
      const res = await request.fetch(`/api/v1/api-keys/${keyId}/${path}`, {
        method,
        headers: { "x-api-key": outsider },
      });
      expect(res.status()).toBe(404);
      expect(res.headers()["content-type"]).toContain("application/problem+json");
      expect((await res.json()).code).toBe("not_found");
    }
  } finally {
    await receiver.close();
  }
});

test("the create dialog takes a webhook URL and shows its secret once with its own Copy", async ({
  page,
}) => {
  await signUp(page);
  await openApiKeys(page);
  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByRole("textbox", { name: "Name" }).fill("Hooked at birth");
  await dialog.getByRole("checkbox", { name: "customers:read" }).check();
  await dialog.getByRole("textbox", { name: "Webhook URL" }).fill("ftp://example.com/hooks");
  await dialog.getByRole("button", { name: "Create Key" }).click();
  await expect(dialog.getByText("The webhook URL must start with https://.")).toBeVisible();

  await dialog.getByRole("textbox", { name: "Webhook URL" }).fill("https://example.com/hooks");
  await dialog.getByRole("button", { name: "Create Key" }).click();
  await expect(dialog.getByTestId("new-api-key")).toBeVisible();
  const card = dialog.getByRole("region", { name: "Webhook signing secret" });
  const secret = (await card.getByTestId("webhook-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^whsec_/);
  await card.getByRole("button", { name: "Copy" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await dialog.getByRole("button", { name: "I've Saved My Key" }).click();
  await expect(dialog).toBeHidden();
  await openKey(page, "Hooked at birth");
  await expect(page.getByRole("textbox", { name: "Webhook URL" })).toHaveValue(
    "https://example.com/hooks",
  );
  expect(await page.content()).not.toContain(secret.slice(6));
});
