import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { expect, it } from "vitest";
import { executeRows, getDb, migrateDatabase } from "@/db";
import * as schema from "@/db/schema";
import { withTestDatabase } from "@/tests/db";

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
