import { beforeAll, describe, expect, it } from "vitest";
import { POST as roll } from "@/app/api/v1/api-keys/[id]/roll/route";
import * as keyRoute from "@/app/api/v1/api-keys/[id]/route";
import * as keysRoute from "@/app/api/v1/api-keys/route";
import { GET as listCustomers } from "@/app/api/v1/customers/route";
import { getDb } from "@/db";
import type { Actor } from "@/lib/keys/service/audit";
import { createKey } from "@/lib/keys/service/create";
import { updateKeyPolicy } from "@/lib/keys/service/policy";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg } from "@/tests/factories";
import { withVerifyRuntime } from "@/tests/runtime";

withTestDatabase();
const runtime = withVerifyRuntime({ defaultRateLimitPerMinute: 100_000 });

const DAY = 86_400_000;
let actor: Actor;
let admin: string;

beforeAll(async () => {
  const { org, owner } = await createOrg("Policed");
  actor = { organizationId: org.id, userId: owner.id, label: "owner" };
  admin = (
    await createKey(
      getDb(),
      actor,
      {
        name: "admin",
        description: null,
        scopes: ["api_keys:read", "api_keys:write", "customers:read", "customers:write"],
        environment: "live",
        expiresAt: null,
        allowedIps: [],
        rateLimitPerMinute: null,
      },
      "lk",
    )
  ).key;
});

const post = (body: unknown) =>
  call(keysRoute.POST, { path: "/api/v1/api-keys", method: "POST", key: admin, body });
const keyCall = (handler: typeof keyRoute.GET, id: string, method = "GET", body?: unknown) =>
  call(handler, { path: `/api/v1/api-keys/${id}`, method, key: admin, body, params: { id } });

describe("the management API and the key policy, webhooks and scope use", () => {
  it("refuses keys that break the org's policy with 400 policy_violation naming the field", async () => {
    await updateKeyPolicy(getDb(), actor, {
      maxLifetimeDays: 30,
      requireAllowedIpsForLive: true,
      disableUnusedAfterDays: null,
      leakAction: "disable",
    });
    const refused = await post({ name: "forever", scopes: ["customers:read"] });
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe("policy_violation");
    expect((refused.json.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      "allowedIps",
      "expiresAt",
    ]);

    const in20 = new Date(Date.now() + 20 * DAY).toISOString();
    const created = await post({
      name: "bounded",
      scopes: ["customers:read"],
      expiresAt: in20,
      allowedIps: ["203.0.113.0/24"],
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;

    const tooLong = await keyCall(keyRoute.PATCH, id, "PATCH", {
      expiresAt: new Date(Date.now() + 60 * DAY).toISOString(),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.code).toBe("policy_violation");

    // A roll cannot outlive the policy either: the new key is capped at 30 days from now.
    const rolled = await call(roll, {
      path: `/api/v1/api-keys/${id}/roll`,
      method: "POST",
      key: admin,
      body: { gracePeriod: "1h" },
      params: { id },
    });
    expect(rolled.status).toBe(201);
    const newExpiry = Date.parse((rolled.json.key as { expiresAt: string }).expiresAt);
    expect(newExpiry).toBeLessThanOrEqual(Date.now() + 30 * DAY);

    await updateKeyPolicy(getDb(), actor, {
      maxLifetimeDays: null,
      requireAllowedIpsForLive: false,
      disableUnusedAfterDays: null,
      leakAction: "disable",
    });
  });

  it("returns the webhook secret once when a webhook URL is set, and never on reads", async () => {
    const created = await post({
      name: "hooked",
      scopes: ["customers:read"],
      webhookUrl: "https://hooks.example.com/latchkey",
    });
    expect(created.status).toBe(201);
    expect(created.json.webhookSecret).toMatch(/^whsec_/);
    expect(created.json.webhookUrl).toBe("https://hooks.example.com/latchkey");
    const read = await keyCall(keyRoute.GET, created.json.id as string);
    expect(JSON.stringify(read.json)).not.toContain("whsec_");

    const plain = await post({ name: "plain", scopes: ["customers:read"] });
    const set = await keyCall(keyRoute.PATCH, plain.json.id as string, "PATCH", {
      webhookUrl: "https://hooks.example.com/other",
    });
    expect(set.json.webhookSecret).toMatch(/^whsec_/);
    const again = await keyCall(keyRoute.PATCH, plain.json.id as string, "PATCH", {
      webhookUrl: "https://hooks.example.com/third",
    });
    expect(again.json.webhookSecret).toBeUndefined();
    const http = await post({
      name: "x",
      scopes: ["customers:read"],
      webhookUrl: "http://a.example",
    });
    expect(http.status).toBe(400);
    expect(http.json.code).toBe("validation_failed");
  });

  it("includes the scopes a key's requests needed in the last 30 days", async () => {
    const created = await post({ name: "reader", scopes: ["customers:read", "customers:write"] });
    const { id, key } = created.json as { id: string; key: string };
    expect((await keyCall(keyRoute.GET, id)).json.scopesUsed).toEqual([]);
    await call(listCustomers, { path: "/api/v1/customers", key });
    await runtime().usage.flush();
    expect((await keyCall(keyRoute.GET, id)).json.scopesUsed).toEqual(["customers:read"]);
  });
});
