import { readFileSync } from "node:fs";
import path from "node:path";
import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { expect, it } from "vitest";
import { executeRows, getDb, migrateDatabase, migrationsFolder } from "@/db";
import { writeUsage } from "@/db/queries/usage";
import * as schema from "@/db/schema";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";

const { client } = withTestDatabase();

const schemaTables = Object.values(schema)
  .filter((value) => is(value, PgTable))
  .map((table) => getTableName(table as PgTable))
  .sort();

/** Every table, column, index and applied migration: what a second migrate must not change. */
async function snapshot() {
  const [tables, columns, indexes, applied] = await Promise.all([
    executeRows<{ name: string }>(
      getDb(),
      sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
    ),
    executeRows<{ c: string }>(
      getDb(),
      sql`select table_name || '.' || column_name || ':' || data_type as c from information_schema.columns where table_schema = 'public' order by 1`,
    ),
    executeRows<{ i: string }>(
      getDb(),
      sql`select indexdef as i from pg_indexes where schemaname = 'public' order by 1`,
    ),
    executeRows<{ hash: string }>(
      getDb(),
      sql`select hash from drizzle.__drizzle_migrations order by id`,
    ),
  ]);
  return {
    tables: tables.map((r) => r.name),
    columns: columns.map((r) => r.c),
    indexes: indexes.map((r) => r.i),
    applied: applied.map((r) => r.hash),
  };
}

it("creates every table of db/schema.ts", async () => {
  expect(schemaTables.length).toBeGreaterThanOrEqual(9);
  expect((await snapshot()).tables).toEqual(schemaTables);
});

it("re-applying the migrations changes nothing", async () => {
  const before = await snapshot();
  expect(before.applied.length).toBeGreaterThan(0);
  await migrateDatabase(client());
  await migrateDatabase(client());
  expect(await snapshot()).toEqual(before);
});

it("runs on the driver the environment selects", () => {
  expect(client().kind).toBe(process.env.DATABASE_URL ? "postgres" : "pglite");
});

it("the daily rollup's backfill sums minutes into the rows the usage flush writes", async () => {
  const { org, owner } = await createOrg("Backfill");
  const key = await createTestKey({ organizationId: org.id, userId: owner.id, label: "o" });
  const bucket = (iso: string, endpoint: string, statusClass: number, requests: number) => ({
    keyId: key.id,
    organizationId: org.id,
    minute: Date.parse(iso),
    method: "GET",
    endpoint,
    statusClass,
    requests,
    totalMs: requests * 3,
    scopes: [],
  });
  await writeUsage(
    getDb(),
    [
      bucket("2026-03-01T00:00:00Z", "/api/v1/me", 200, 1),
      bucket("2026-03-01T23:59:00Z", "/api/v1/me", 200, 2),
      bucket("2026-03-01T12:00:00Z", "/api/v1/me", 400, 4),
      bucket("2026-03-02T00:00:00Z", "/api/v1/me", 200, 8),
      bucket("2026-03-02T08:00:00Z", "/api/v1/customers", 200, 16),
    ],
    [],
  );
  const daily = () =>
    executeRows(
      getDb(),
      sql`select key_id, organization_id, day, method, endpoint, status_class, requests, total_duration_ms
          from api_key_usage_daily where key_id = ${key.id} order by day, endpoint, status_class`,
    );
  const flushed = await daily();
  expect(flushed).toHaveLength(4);
  await getDb().execute(sql`delete from api_key_usage_daily where key_id = ${key.id}`);
  const migration = readFileSync(path.join(migrationsFolder, "0002_usage_daily.sql"), "utf8");
  const backfill = migration.split("--> statement-breakpoint").at(-1) as string;
  expect(backfill).toContain('INSERT INTO "api_key_usage_daily"');
  await getDb().execute(sql.raw(backfill));
  expect(await daily()).toEqual(flushed);
});
