import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { listKeys } from "@/db/queries/api-keys";
import { keyStatusCounts } from "@/db/queries/dashboard";
import { withTestDatabase } from "@/tests/db";
import { createOrg, seedKeys } from "@/tests/factories";

withTestDatabase();

describe("listKeys with 10,000 keys", () => {
  let orgId: string;
  let otherId: string;
  beforeAll(async () => {
    orgId = (await createOrg("Big")).org.id;
    otherId = (await createOrg("Small")).org.id;
    await seedKeys(orgId, 10_000);
    await seedKeys(otherId, 5);
  });

  it("pages through the organization's keys only, newest first", async () => {
    const first = await listKeys(getDb(), orgId, { page: 1, size: 20 });
    expect(first.total).toBe(10_000);
    expect(first.rows).toHaveLength(20);
    expect(first.rows[0]?.name).toBe("key-00001");
    const last = await listKeys(getDb(), orgId, { page: 500, size: 20 });
    expect(last.rows.map((r) => r.name).at(-1)).toBe("key-10000");
    expect((await listKeys(getDb(), otherId)).total).toBe(5);
    expect(Object.keys(first.rows[0] ?? {})).not.toContain("hash");
  });

  it("sorts by name and by last use (never-used last) in SQL", async () => {
    const byName = await listKeys(getDb(), orgId, { sort: "name", dir: "desc", size: 3 });
    expect(byName.rows.map((r) => r.name)).toEqual(["key-10000", "key-09999", "key-09998"]);
    const byUse = await listKeys(getDb(), orgId, { sort: "last_used", dir: "desc", size: 2 });
    expect(byUse.rows.map((r) => r.name)).toEqual(["key-00003", "key-00006"]);
    const asc = await listKeys(getDb(), orgId, { sort: "last_used", dir: "asc", page: 500 });
    expect(asc.rows.every((r) => r.lastUsedAt === null)).toBe(true);
  });

  it("filters by derived status and searches by name", async () => {
    expect((await listKeys(getDb(), orgId, { status: "revoked" })).total).toBe(1000);
    expect((await listKeys(getDb(), orgId, { status: "expired" })).total).toBe(1000);
    expect((await listKeys(getDb(), orgId, { status: "disabled" })).total).toBe(1000);
    expect((await listKeys(getDb(), orgId, { status: "active" })).total).toBe(7000);
    // The overview's count agrees: keys past their expiry are not active, whatever their status.
    expect((await keyStatusCounts(getDb(), orgId, new Date())).active).toBe(7000);
    const found = await listKeys(getDb(), orgId, { q: "key-0999" });
    expect(found.total).toBe(10);
    // LIKE wildcards in the search are literal.
    expect((await listKeys(getDb(), orgId, { q: "key-%" })).total).toBe(0);
  });
});
