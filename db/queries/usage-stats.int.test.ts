import { expect, it } from "vitest";
import { getDb } from "@/db";
import { writeUsage } from "@/db/queries/usage";
import { keyStats } from "@/db/queries/usage-stats";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";

withTestDatabase();

it("aggregates a key's flushed usage over a period, per endpoint and per UTC day", async () => {
  const { org, owner } = await createOrg();
  const rival = await createOrg();
  const actor = { organizationId: org.id, userId: owner.id, label: "o" };
  const { id } = await createTestKey(actor, { name: "k" });
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
    minute: at(minute).getTime(),
    method: "GET",
    endpoint,
    statusClass,
    requests,
    totalMs: ms,
    scopes: [],
  });
  // Through the flush, as the verifier writes it (per minute and per day), in two flushes.
  await writeUsage(
    getDb(),
    [
      row("2026-03-10T11:30:00Z", "/api/v1/me", 200, 6, 30),
      row("2026-03-10T11:30:00Z", "/api/v1/me", 400, 2, 10),
      row("2026-03-09T08:00:00Z", "/api/v1/customers", 200, 5, 40),
    ],
    [],
  );
  await writeUsage(
    getDb(),
    [
      row("2026-03-10T11:30:00Z", "/api/v1/me", 200, 4, 20),
      row("2026-02-01T08:00:00Z", "/api/v1/customers", 200, 100, 100),
    ],
    [],
  );

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

it("counts a period that starts mid-day exactly: minutes for the first day, the daily rollup after", async () => {
  const { org, owner } = await createOrg();
  const actor = { organizationId: org.id, userId: owner.id, label: "o" };
  const { id } = await createTestKey(actor, { name: "k" });
  const now = new Date("2026-03-10T12:00:00Z");
  const bucket = (iso: string, requests: number) => ({
    keyId: id,
    organizationId: org.id,
    minute: Date.parse(iso),
    method: "POST",
    endpoint: "/api/v1/customers",
    statusClass: 200,
    requests,
    totalMs: requests,
    scopes: ["customers:write"],
  });
  await writeUsage(
    getDb(),
    [
      // The 7-day period starts 2026-03-03T12:00Z: the morning of that day is outside it.
      bucket("2026-03-03T11:59:00Z", 1),
      bucket("2026-03-03T12:00:00Z", 10),
      bucket("2026-03-03T23:59:00Z", 100),
      bucket("2026-03-04T00:00:00Z", 1_000),
      bucket("2026-03-10T11:59:00Z", 10_000),
    ],
    [],
  );
  const week = await keyStats(getDb(), org.id, id, "7d", now);
  expect(week.totalRequests).toBe(11_110);
  expect(week.daily[0]).toEqual({ date: "2026-03-03", requests: 110, errors: 0 });
  expect(week.daily[1]).toEqual({ date: "2026-03-04", requests: 1_000, errors: 0 });
  expect(week.daily.at(-1)).toEqual({ date: "2026-03-10", requests: 10_000, errors: 0 });
  expect((await keyStats(getDb(), org.id, id, "24h", now)).totalRequests).toBe(10_000);
  expect((await keyStats(getDb(), org.id, id, "30d", now)).totalRequests).toBe(11_111);
});
