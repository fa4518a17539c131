import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { executeRows, getDb } from "@/db";
import { rollApiKey } from "@/lib/actions/roll-api-key";
import { updateKeyPolicy } from "@/lib/keys/service/policy";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { actAs } from "@/tests/request-context";

withTestDatabase();

let acme: Awaited<ReturnType<typeof createOrg>>;
let rival: Awaited<ReturnType<typeof createOrg>>;
let keyId: string;

beforeAll(async () => {
  acme = await createOrg("Acme", ["admin", "member"]);
  rival = await createOrg("Rival");
  const actor = { organizationId: acme.org.id, userId: acme.owner.id, label: "owner" };
  ({ id: keyId } = await createTestKey(actor, { name: "Prod" }));
});

const keyCount = async () =>
  (await executeRows<{ n: number }>(getDb(), sql`select count(*)::int as n from api_keys`))[0]?.n;

it("refuses members, other organizations and unknown grace periods, changing nothing", async () => {
  const before = await keyCount();
  actAs(acme.member?.id ?? null, acme.org.id);
  expect(await rollApiKey({ id: keyId, gracePeriod: "1h" })).toMatchObject({ code: "forbidden" });
  actAs(rival.owner.id, rival.org.id);
  expect(await rollApiKey({ id: keyId, gracePeriod: "1h" })).toMatchObject({ code: "not_found" });
  actAs(acme.admin?.id ?? null, acme.org.id);
  expect(await rollApiKey({ id: keyId, gracePeriod: "2h" as "1h" })).toMatchObject({
    code: "invalid_input",
  });
  expect(await keyCount()).toBe(before);
});

it("an admin rolls a key: the new key once, the old one expires after the grace period", async () => {
  actAs(acme.admin?.id ?? null, acme.org.id);
  const started = Date.now();
  const result = await rollApiKey({ id: keyId, gracePeriod: "1h" });
  if (!result.ok) throw new Error(JSON.stringify(result));
  expect(result.data.key).toMatch(/^lk_live_/);
  const [old] = await executeRows<{ expires_at: string }>(
    getDb(),
    sql`select expires_at from api_keys where id = ${keyId}`,
  );
  const left = new Date(old?.expires_at ?? 0).getTime() - started;
  expect(left).toBeGreaterThan(3_590_000);
  expect(left).toBeLessThan(3_610_000);
  const [audit] = await executeRows<{ actor_user_id: string }>(
    getDb(),
    sql`select actor_user_id from audit_logs where key_id = ${keyId} and action = 'key.rolled'`,
  );
  expect(audit?.actor_user_id).toBe(acme.admin?.id);
});

it("a roll is held to the key policy: a live key without allowed IPs is refused, naming it", async () => {
  const { org, owner } = await createOrg("Strict");
  const actor = { organizationId: org.id, userId: owner.id, label: "owner" };
  const { id } = await createTestKey(actor, { name: "Before the policy" });
  const { id: open } = await createTestKey(actor, { name: "Open", allowedIps: ["::/0"] });
  await updateKeyPolicy(getDb(), actor, {
    maxLifetimeDays: null,
    requireAllowedIpsForLive: true,
    disableUnusedAfterDays: null,
    leakAction: "disable",
  });
  actAs(owner.id, org.id);
  const before = await keyCount();
  for (const target of [id, open]) {
    const result = await rollApiKey({ id: target, gracePeriod: "1h" });
    expect(result).toMatchObject({
      ok: false,
      code: "invalid_input",
      error: expect.stringContaining("The key policy requires allowed IPs for live keys"),
      fieldErrors: { allowedIps: [expect.stringContaining("requires allowed IPs")] },
    });
  }
  expect(await keyCount()).toBe(before);
  const [old] = await executeRows<{ expires_at: string | null }>(
    getDb(),
    sql`select expires_at from api_keys where id = ${id}`,
  );
  expect(old?.expires_at).toBeNull();
});
