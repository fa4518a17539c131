import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listWebhookDeliveries } from "@/app/api/v1/api-keys/[id]/webhook-deliveries/route";
import { POST as sendWebhookTest } from "@/app/api/v1/api-keys/[id]/webhook-test/route";
import { getDb } from "@/db";
import { apiKeys, webhookDeliveries } from "@/db/schema";
import { createApiKey } from "@/lib/actions/create-api-key";
import { regenerateWebhookSecret } from "@/lib/actions/regenerate-webhook-secret";
import { sendTestWebhook } from "@/lib/actions/send-test-webhook";
import { setWebhookUrl } from "@/lib/actions/set-webhook-url";
import type { Actor } from "@/lib/keys/service/audit";
import { CLIENT_IP_HEADER } from "@/lib/net/client-ip";
import type { Scope } from "@/lib/scopes";
import { createAppVerifyRuntime, setVerifyRuntime, type VerifyRuntime } from "@/lib/verify/runtime";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { actAs } from "@/tests/request-context";
import { startReceiver } from "@/tests/webhook-receiver";
import { webhookDeliveriesResponseSchema, webhookTestResponseSchema } from "./schemas";
import { secretKeyMaterial } from "./secret";
import { pinnedHttpTransport } from "./transport";
import { WebhookWorker } from "./worker";

process.env.WEBHOOK_SECRET_KEY = "test-webhook-secret-key-material-0123456789";

withTestDatabase();

let acme: Awaited<ReturnType<typeof createOrg>>;
let actor: Actor;
let rivalActor: Actor;
let runtime: VerifyRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

const newKey = (by: Actor, scopes: Scope[], webhookUrl?: string) =>
  createTestKey(by, { name: `Key ${scopes.join(" ")}`, scopes, webhookUrl });

type Handler = (
  request: NextRequest,
  ctx: { params: Promise<{ id: string }> },
) => Promise<Response>;
async function call(handler: Handler, method: string, id: string, key: string, query = "") {
  const request = new NextRequest(new URL(`/api/v1/api-keys/${id}/x${query}`, "http://localhost"), {
    method,
    headers: { "x-api-key": key, [CLIENT_IP_HEADER]: "127.0.0.1" },
  });
  const response = await handler(request, { params: Promise.resolve({ id }) });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    json: await response.json(),
  };
}

const drain = async () => {
  const worker = new WebhookWorker({
    db: () => getDb(),
    transport: pinnedHttpTransport,
    secretKeyMaterial: secretKeyMaterial(),
    allowPrivate: true,
    log: () => {},
  });
  while ((await worker.tick()) > 0) {}
};

beforeAll(async () => {
  acme = await createOrg("Acme", ["admin", "member"]);
  const rival = await createOrg("Rival");
  actor = { organizationId: acme.org.id, userId: acme.owner.id, label: "owner" };
  rivalActor = { organizationId: rival.org.id, userId: rival.owner.id, label: "rival" };
  runtime = createAppVerifyRuntime({ defaultRateLimitPerMinute: 600, flushMs: 60_000 });
  await runtime.start();
  setVerifyRuntime(runtime);
  receiver = await startReceiver();
});
afterAll(async () => {
  await runtime.stop();
  setVerifyRuntime(undefined);
  await receiver.close();
});

describe("webhook management API", () => {
  it("sends a test event and lists its delivery, scoped to the organization", async () => {
    const admin = await newKey(actor, ["api_keys:read", "api_keys:write"]);
    const reader = await newKey(actor, ["api_keys:read"]);
    const hooked = await newKey(actor, ["customers:read"], receiver.url);
    const rivalKey = await newKey(rivalActor, ["customers:read"], receiver.url);

    const queued = await call(sendWebhookTest, "POST", hooked.id, admin.key);
    expect(queued.status).toBe(202);
    expect(webhookTestResponseSchema.parse(queued.json).deliveryId).toBeTruthy();

    const denied = await call(sendWebhookTest, "POST", hooked.id, reader.key);
    expect(denied).toMatchObject({ status: 403, type: "application/problem+json" });
    expect(denied.json.code).toBe("insufficient_scope");

    for (const id of [rivalKey.id, "not-a-uuid", crypto.randomUUID()]) {
      const post = await call(sendWebhookTest, "POST", id, admin.key);
      expect(post).toMatchObject({ status: 404, type: "application/problem+json" });
      expect(post.json.code).toBe("not_found");
      const get = await call(listWebhookDeliveries, "GET", id, reader.key);
      expect(get).toMatchObject({ status: 404, type: "application/problem+json" });
    }
    const noHook = await call(sendWebhookTest, "POST", admin.id, admin.key);
    expect(noHook).toMatchObject({ status: 409, type: "application/problem+json" });

    await drain();
    const list = await call(listWebhookDeliveries, "GET", hooked.id, reader.key);
    expect(list.status).toBe(200);
    const { data } = webhookDeliveriesResponseSchema.parse(list.json);
    const test = data.find((d) => d.id === queued.json.deliveryId);
    expect(test).toMatchObject({
      eventType: "webhook.test",
      status: "delivered",
      httpStatus: 200,
      attempts: 1,
      nextAttemptAt: null,
    });
    expect(data.map((d) => d.eventType).sort()).toEqual(["key.created", "webhook.test"]);
    const bad = await call(listWebhookDeliveries, "GET", hooked.id, reader.key, "?limit=0");
    expect(bad).toMatchObject({ status: 400, type: "application/problem+json" });
    // The rival's key got only its own creation event, not our test.
    const rivalRows = await getDb()
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.keyId, rivalKey.id));
    expect(rivalRows.map((r) => r.eventType)).toEqual(["key.created"]);
  });
});

describe("webhook settings actions", () => {
  it("refuses http and private URLs without WEBHOOKS_ALLOW_PRIVATE, creating nothing", async () => {
    actAs(acme.admin?.id as string);
    for (const url of [
      "http://hooks.example.com/in",
      "https://127.0.0.1/in",
      "https://[::1]/in",
      "https://[::ffff:10.0.0.1]/in",
      "https://169.254.169.254/latest",
      "https://localhost/in",
    ]) {
      const fd = new FormData();
      fd.set("name", "Nope");
      fd.append("scopes", "customers:read");
      fd.set("webhookUrl", url);
      const result = await createApiKey(fd);
      expect(result.ok, url).toBe(false);
      if (!result.ok) expect(result.fieldErrors?.webhookUrl, url).toBeTruthy();
    }
    const rows = await getDb().select().from(apiKeys).where(eq(apiKeys.name, "Nope"));
    expect(rows).toHaveLength(0);
  });

  it("shows the secret once on creation, and again only when regenerated", async () => {
    actAs(acme.admin?.id as string);
    const fd = new FormData();
    fd.set("name", "With hook");
    fd.append("scopes", "customers:read");
    fd.set("webhookUrl", "https://hooks.example.com/latchkey");
    const created = await createApiKey(fd);
    if (!created.ok) throw new Error(JSON.stringify(created));
    const secret = (created.data as { webhookSecret?: string }).webhookSecret ?? "";
    expect(secret).toMatch(/^whsec_/);
    const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, created.data.id));
    expect(row?.webhookUrl).toBe("https://hooks.example.com/latchkey");
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));

    // Changing the URL keeps the secret (no new one is shown)…
    const moved = await setWebhookUrl({
      id: created.data.id,
      webhookUrl: "https://hooks.example.com/v2",
    });
    expect(moved).toMatchObject({ ok: true, data: { webhookSecret: null } });
    // …regenerating replaces it…
    const regenerated = await regenerateWebhookSecret({ id: created.data.id });
    if (!regenerated.ok) throw new Error(regenerated.error);
    expect(regenerated.data.webhookSecret).toMatch(/^whsec_/);
    expect(regenerated.data.webhookSecret).not.toBe(secret);
    // …and removing the URL drops it.
    expect(await setWebhookUrl({ id: created.data.id, webhookUrl: "" })).toMatchObject({
      ok: true,
    });
    const [removed] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, created.data.id));
    expect(removed).toMatchObject({ webhookUrl: null, webhookSecretEnc: null });
    expect(await sendTestWebhook({ id: created.data.id })).toMatchObject({
      ok: false,
      code: "conflict",
    });
    // Setting one again makes a new secret, shown once.
    const again = await setWebhookUrl({
      id: created.data.id,
      webhookUrl: "https://hooks.example.com/v3",
    });
    if (!again.ok) throw new Error(again.error);
    expect(again.data.webhookSecret).toMatch(/^whsec_/);
    expect(await sendTestWebhook({ id: created.data.id })).toMatchObject({ ok: true });
  });

  it("refuses members and other organizations' keys", async () => {
    const rivalKey = await newKey(rivalActor, ["customers:read"], receiver.url);
    actAs(acme.member?.id as string);
    expect(await sendTestWebhook({ id: rivalKey.id })).toMatchObject({ code: "forbidden" });
    actAs(acme.admin?.id as string);
    expect(await sendTestWebhook({ id: rivalKey.id })).toMatchObject({ code: "not_found" });
    expect(
      await setWebhookUrl({ id: rivalKey.id, webhookUrl: "https://hooks.example.com/x" }),
    ).toMatchObject({ code: "not_found" });
    expect(await regenerateWebhookSecret({ id: rivalKey.id })).toMatchObject({ code: "not_found" });
  });
});
