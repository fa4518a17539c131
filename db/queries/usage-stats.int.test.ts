import { expect, it } from "vitest";
import { getDb } from "@/db";
import { keyStats } from "@/db/queries/usage-stats";
import { apiKeyUsage } from "@/db/schema";
import { createKey } from "@/lib/keys/service";
import { withTestDatabase } from "@/tests/db";
import { createOrg } from "@/tests/factories";

withTestDatabase();

it("aggregates a key's flushed usage over a period, per endpoint and per UTC day", async () => {
  const { org, owner } = await createOrg();
  const rival = await createOrg();
  const actor = { organizationId: org.id, userId: owner.id, label: "o" };
  const input = {
    name: "k",
    description: null,
    scopes: ["customers:read" as const],
    environment: "live" as const,
    expiresAt: null,
    allowedIps: [],
    rateLimitPerMinute: null,
  };
  const { id } = await createKey(getDb(), actor, input, "lk");
  const now = new Date("2026-03-10T12:00:00Z");
  const at = (iso: string) => new Date(iso);
  const row = (
    minute: string,
    endpoint: string,
    statusClass: number,
    requests: number,
    ms: number,
  ) => ({
    keyId: id,
    organizationId: org.id,
    minute: at(minute),
    method: "GET",
    endpoint,
    statusClass,
    requests,
    totalDurationMs: ms,
  });
  await getDb()
    .insert(apiKeyUsage)
    .values([
      row("2026-03-10T11:30:00Z", "/api/v1/me", 200, 10, 50),
      row("2026-03-10T11:30:00Z", "/api/v1/me", 400, 2, 10),
      row("2026-03-09T08:00:00Z", "/api/v1/customers", 200, 5, 40),
      row("2026-02-01T08:00:00Z", "/api/v1/customers", 200, 100, 100),
    ]);

  const week = await keyStats(getDb(), org.id, id, "7d", now);
  expect(week).toMatchObject({
    period: "7d",
    totalRequests: 17,
    successfulRequests: 15,
    errorRequests: 2,
    averageResponseTimeMs: 5.9,
    topEndpoints: [
      { method: "GET", endpoint: "/api/v1/me", count: 12 },
      { method: "GET", endpoint: "/api/v1/customers", count: 5 },
    ],
  });
  expect(week.daily).toHaveLength(8);
  expect(week.daily.at(-1)).toEqual({ date: "2026-03-10", requests: 12, errors: 2 });
  expect(week.daily.at(-2)).toEqual({ date: "2026-03-09", requests: 5, errors: 0 });
  expect((await keyStats(getDb(), org.id, id, "1h", now)).totalRequests).toBe(12);
  expect((await keyStats(getDb(), org.id, id, "90d", now)).totalRequests).toBe(117);
  // Another organization sees nothing of it.
  expect((await keyStats(getDb(), rival.org.id, id, "90d", now)).totalRequests).toBe(0);
});
