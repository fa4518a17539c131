import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { executeRows, getDb } from "@/db";
import { writeUsage } from "@/db/queries/usage";
import { removeUnusedScopes } from "@/lib/actions/remove-unused-scopes";
import type { Scope } from "@/lib/scopes";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { whileLocked } from "@/tests/locks";
import { actAs } from "@/tests/request-context";

const database = withTestDatabase();

let acme: Awaited<ReturnType<typeof createOrg>>;

beforeAll(async () => {
  acme = await createOrg("Acme");
});

/** A key whose requests needed `used` this minute. */
async function keyThatUsed(scopes: Scope[], used: Scope[]) {
  const actor = { organizationId: acme.org.id, userId: acme.owner.id, label: "owner" };
  const { id } = await createTestKey(actor, { scopes });
  const now = Date.now();
  await writeUsage(
    getDb(),
    used.map((scope) => ({
      keyId: id,
      organizationId: acme.org.id,
      minute: now - (now % 60_000),
      method: "GET",
      endpoint: `/api/v1/${scope}`,
      statusClass: 2,
      requests: 1,
      totalMs: 1,
      scopes: [scope],
    })),
    [],
  );
  return id;
}

const scopesOf = async (id: string) =>
  (
    await executeRows<{ scopes: string[] }>(
      getDb(),
      sql`select scopes from api_keys where id = ${id}`,
    )
  )[0]?.scopes;

it.skipIf(!process.env.DATABASE_URL)(
  "narrows the key as it is when locked: a scope an admin removes meanwhile stays removed",
  async () => {
    const id = await keyThatUsed(
      ["customers:read", "customers:write", "keys:verify"],
      ["customers:read", "customers:write"],
    );
    actAs(acme.owner.id, acme.org.id);
    const result = await whileLocked(
      database.client(),
      `update api_keys set scopes = array['customers:read', 'keys:verify'] where id = '${id}'`,
      () => removeUnusedScopes({ id }),
    );
    expect(result).toMatchObject({ ok: true, message: "Removed 1 unused scope." });
    expect(await scopesOf(id)).toEqual(["customers:read"]);
  },
);

it("says so when every scope is in use, and refuses to remove the last one", async () => {
  actAs(acme.owner.id, acme.org.id);
  const busy = await keyThatUsed(["customers:read"], ["customers:read"]);
  expect(await removeUnusedScopes({ id: busy })).toMatchObject({
    ok: true,
    message: "Every scope of this key is in use.",
  });
  const idle = await keyThatUsed(["customers:write"], ["customers:read"]);
  expect(await removeUnusedScopes({ id: idle })).toMatchObject({ ok: false, code: "conflict" });
  expect(await scopesOf(idle)).toEqual(["customers:write"]);
});
