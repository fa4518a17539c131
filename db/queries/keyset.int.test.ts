import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { getDb } from "@/db";
import { type CustomerCursor, listCustomers } from "@/db/queries/customers";
import { customers } from "@/db/schema";
import { withTestDatabase } from "@/tests/db";
import { createOrg } from "@/tests/factories";

withTestDatabase();

it("pages through rows created within one millisecond, newest first, each exactly once", async () => {
  const db = getDb();
  const mine = await createOrg("Mine");
  const theirs = await createOrg("Theirs");
  // Five rows a microsecond apart, inside the same millisecond, for both organizations; the
  // last two share their time, so only the id tells them apart.
  const micros = ["000", "001", "002", "003", "003"];
  const rows = [mine, theirs].flatMap((o) =>
    micros.map((us, n) => ({
      organizationId: o.org.id,
      name: `${o.org.name} ${n}`,
      email: `c${n}@example.com`,
      // Date has no microseconds: PostgreSQL reads the time.
      createdAt: sql`${`2026-01-01T00:00:00.123${us}Z`}::timestamptz`,
    })),
  );
  await db.insert(customers).values(rows);

  const seen: string[] = [];
  let after: CustomerCursor | null = null;
  for (let pages = 0; pages < 10; pages++) {
    const page: Awaited<ReturnType<typeof listCustomers>> = await listCustomers(db, mine.org.id, {
      limit: 2,
      after,
    });
    seen.push(...page.rows.map((r) => r.name));
    after = page.next;
    if (!after) break;
  }
  expect(seen).toHaveLength(5);
  expect(new Set(seen).size).toBe(5);
  expect(seen.every((name) => name.startsWith("Mine"))).toBe(true);
  // Newest first: the two rows at .123003 come before .123002, .123001 and .123000.
  expect(seen.slice(2)).toEqual(["Mine 2", "Mine 1", "Mine 0"]);
});
