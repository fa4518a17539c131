import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { executeRows, getDb, migrateDatabase } from "@/db";
import { withTestDatabase } from "@/tests/db";

const { client } = withTestDatabase();

it("has every table of the schema and re-applying migrations is a no-op", async () => {
  await migrateDatabase(client());
  const rows = await executeRows<{ table_name: string }>(
    getDb(),
    sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
  );
  const names = rows.map((r) => r.table_name);
  expect(names).toEqual(
    expect.arrayContaining(["users", "organizations", "memberships", "api_keys", "audit_logs"]),
  );
});

it("runs on the driver the environment selects", () => {
  expect(client().kind).toBe(process.env.DATABASE_URL ? "postgres" : "pglite");
});
