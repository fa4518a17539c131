import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { KEY_COUNT_CAP, listKeys } from "@/db/queries/api-keys";
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
    // Counted up to the cap only: "1,000+ keys".
    expect(first).toMatchObject({ total: KEY_COUNT_CAP, capped: true, hasNext: true });
    expect(first.rows).toHaveLength(20);
    expect(first.rows[0]?.name).toBe("key-00001");
    // Past the counted pages, the next page is still known exactly.
    expect(await listKeys(getDb(), orgId, { page: 499, size: 20 })).toMatchObject({
      hasNext: true,
    });
    const last = await listKeys(getDb(), orgId, { page: 500, size: 20 });
    expect(last.rows).toHaveLength(20);
    expect(last.rows.map((r) => r.name).at(-1)).toBe("key-10000");
    expect(last.hasNext).toBe(false);
    expect(await listKeys(getDb(), otherId)).toMatchObject({
      total: 5,
      capped: false,
      hasNext: false,
    });
    expect(await listKeys(getDb(), otherId, { size: 4 })).toMatchObject({
      total: 5,
      hasNext: true,
    });
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
    // 1,000 is exactly the cap: still an exact count.
    for (const status of ["revoked", "expired", "disabled"] as const) {
      expect(await listKeys(getDb(), orgId, { status }), status).toMatchObject({
        total: 1000,
        capped: false,
      });
    }
    expect(await listKeys(getDb(), orgId, { status: "active" })).toMatchObject({
      total: KEY_COUNT_CAP,
      capped: true,
    });
    // The overview's count agrees: keys past their expiry are not active, whatever their status.
    expect((await keyStatusCounts(getDb(), orgId, new Date())).active).toBe(7000);
    const found = await listKeys(getDb(), orgId, { q: "key-0999" });
    expect(found.total).toBe(10);
    // LIKE wildcards in the search are literal.
    expect((await listKeys(getDb(), orgId, { q: "key-%" })).total).toBe(0);
  });
});
