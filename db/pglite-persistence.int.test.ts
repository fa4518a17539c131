import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { createPgliteClient, migrateDatabase, wrapClient } from "@/db";
import { organizations } from "@/db/schema";

it("keeps PGlite data on disk across restarts, creating missing parent folders", async () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "lk-pglite-")), "nested", "pglite");
  const first = createPgliteClient(dataDir);
  await migrateDatabase(first);
  const [org] = await wrapClient(first)
    .insert(organizations)
    .values({ name: "Durable" })
    .returning();
  await first.close();

  const second = createPgliteClient(dataDir);
  await migrateDatabase(second);
  const rows = await wrapClient(second)
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, org?.id as string));
  expect(rows).toEqual([{ name: "Durable" }]);
  await second.close();
  // Two on-disk PGlite starts and migrations: well over the default timeout on a busy machine.
}, 120_000);
