import { asc, count, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { apiKeys, auditLogs } from "@/db/schema";
import { createApiKey } from "@/lib/actions/create-api-key";
import { revokeApiKey } from "@/lib/actions/revoke-api-key";
import { topUpApiKey } from "@/lib/actions/top-up-api-key";
import { updateApiKey } from "@/lib/actions/update-api-key";
import { withTestDatabase } from "@/tests/db";
import { createOrg } from "@/tests/factories";
import { actAs } from "@/tests/request-context";

withTestDatabase();

type FormInput = Record<string, string | string[]>;

function form(values: FormInput) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(values)) {
    for (const item of Array.isArray(v) ? v : [v]) fd.append(k, item);
  }
  return fd;
}

/** What the settings form sends for an untouched key created by `create`. */
const untouched = (id: string): FormInput => ({
  id,
  name: "Billing",
  description: "Nightly sync",
  scopes: ["customers:read", "customers:write"],
  expiration: "keep",
  expiresOn: "",
  allowedIps: "203.0.113.0/24",
  rateLimitPerMinute: "120",
});

async function create() {
  const result = await createApiKey(
    form({
      name: "Billing",
      description: "Nightly sync",
      scopes: ["customers:read", "customers:write"],
      expiration: "30",
      allowedIps: "203.0.113.0/24",
      rateLimitPerMinute: "120",
    }),
  );
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.data.id;
}

const keyRow = async (id: string) => {
  const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, id));
  if (!row) throw new Error("no key");
  return row;
};
const lastAudit = async (id: string) => {
  const [event] = await getDb()
    .select()
    .from(auditLogs)
    .where(eq(auditLogs.keyId, id))
    .orderBy(desc(auditLogs.seq))
    .limit(1);
  return event;
};
const database = async () => ({
  keys: await getDb().select().from(apiKeys).orderBy(asc(apiKeys.id)),
  audits: (await getDb().select({ n: count() }).from(auditLogs))[0]?.n,
});

describe("the key settings form's action", () => {
  let acme: Awaited<ReturnType<typeof createOrg>>;
  let rival: Awaited<ReturnType<typeof createOrg>>;
  beforeAll(async () => {
    acme = await createOrg("Acme", ["admin", "member"]);
    rival = await createOrg("Rival");
  });

  it("saves every setting at once, with the whole before and after in one audit row", async () => {
    actAs(acme.admin?.id as string);
    const id = await create();
    const result = await updateApiKey(
      null,
      form({
        id,
        name: " Billing v2 ",
        description: "",
        scopes: ["customers:read", "api_keys:read"],
        expiration: "never",
        allowedIps: "10.0.0.0/8, 2001:db8::1\n::ffff:192.0.2.1",
        rateLimitPerMinute: "50",
      }),
    );
    expect(result).toEqual({ ok: true, data: null, message: "Changes saved." });
    expect(await keyRow(id)).toMatchObject({
      name: "Billing v2",
      description: null,
      scopes: ["api_keys:read", "customers:read"],
      expiresAt: null,
      allowedIps: ["10.0.0.0/8", "2001:db8::1", "192.0.2.1"],
      rateLimitPerMinute: 50,
    });
    const event = await lastAudit(id);
    expect(event).toMatchObject({
      action: "key.updated",
      actorUserId: acme.admin?.id,
      keyName: "Billing v2",
      before: {
        name: "Billing",
        description: "Nightly sync",
        scopes: ["customers:read", "customers:write"],
        expiresAt: expect.any(String),
        allowedIps: ["203.0.113.0/24"],
        rateLimitPerMinute: 120,
      },
      after: {
        name: "Billing v2",
        description: null,
        scopes: ["api_keys:read", "customers:read"],
        expiresAt: null,
        allowedIps: ["10.0.0.0/8", "2001:db8::1", "192.0.2.1"],
        rateLimitPerMinute: 50,
      },
    });
  });

  const oneField: [string, FormInput, (row: Awaited<ReturnType<typeof keyRow>>) => void][] = [
    ["name", { name: "Renamed" }, (row) => expect(row.name).toBe("Renamed")],
    ["description", { description: "Why" }, (row) => expect(row.description).toBe("Why")],
    [
      "scopes",
      { scopes: "customers:read" },
      (row) => expect(row.scopes).toEqual(["customers:read"]),
    ],
    ["allowedIps", { allowedIps: "" }, (row) => expect(row.allowedIps).toEqual([])],
    [
      "rateLimitPerMinute",
      { rateLimitPerMinute: "" },
      (row) => expect(row.rateLimitPerMinute).toBeNull(),
    ],
    [
      "expiresAt",
      { expiration: "7" },
      (row) => {
        const days = ((row.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
        expect(days).toBeGreaterThan(6.9);
        expect(days).toBeLessThanOrEqual(7);
      },
    ],
    [
      "expiresAt",
      { expiration: "custom", expiresOn: "2099-01-31" },
      (row) => expect(row.expiresAt?.toISOString()).toBe("2099-01-31T23:59:59.999Z"),
    ],
    ["expiresAt", { expiration: "never" }, (row) => expect(row.expiresAt).toBeNull()],
  ];
  for (const [field, change, check] of oneField) {
    it(`changes only ${field} when only ${field} is edited (${JSON.stringify(change)})`, async () => {
      actAs(acme.owner.id);
      const id = await create();
      const before = await keyRow(id);
      const result = await updateApiKey(null, form({ ...untouched(id), ...change }));
      expect(result).toMatchObject({ ok: true, message: "Changes saved." });
      const after = await keyRow(id);
      check(after);
      const { [field as keyof typeof after]: _changed, updatedAt: _u, ...rest } = after;
      const { [field as keyof typeof before]: _was, updatedAt: _v, ...restBefore } = before;
      expect(rest).toEqual(restBefore);
      const event = await lastAudit(id);
      expect(event?.action).toBe("key.updated");
      const b = event?.before as Record<string, unknown>;
      const a = event?.after as Record<string, unknown>;
      expect(a[field]).not.toEqual(b[field]);
      expect(Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))).toEqual([
        field,
      ]);
    });
  }

  it("writes nothing when nothing changed (the current expiry kept)", async () => {
    actAs(acme.owner.id);
    const id = await create();
    const snapshot = await database();
    expect(await updateApiKey(null, form(untouched(id)))).toMatchObject({
      ok: true,
      message: "Nothing to change.",
    });
    expect(await database()).toEqual(snapshot);
  });

  const bad: [string, FormInput, string][] = [
    ["an empty name", { name: "  " }, "name"],
    ["a name over 64 characters", { name: "x".repeat(65) }, "name"],
    ["no scope", { scopes: [] }, "scopes"],
    ["an unknown scope", { scopes: ["customers:read", "admin:all"] }, "scopes"],
    ["a bad IP", { allowedIps: "10.0.0.0/8, 300.1.1.1" }, "allowedIps"],
    ["a zero rate limit", { rateLimitPerMinute: "0" }, "rateLimitPerMinute"],
    ["a fractional rate limit", { rateLimitPerMinute: "1.5" }, "rateLimitPerMinute"],
    ["a non-numeric rate limit", { rateLimitPerMinute: "lots" }, "rateLimitPerMinute"],
    ["a custom expiry without a date", { expiration: "custom" }, "expiresOn"],
    ["a custom expiry in the past", { expiration: "custom", expiresOn: "2001-01-01" }, "expiresAt"],
    ["an unknown expiration", { expiration: "forever" }, "expiration"],
  ];
  for (const [what, change, field] of bad) {
    it(`refuses ${what} with a field error, the form's values and nothing written`, async () => {
      actAs(acme.owner.id);
      const id = await create();
      const snapshot = await database();
      const sent: FormInput = { ...untouched(id), name: "Would be renamed", ...change };
      const result = await updateApiKey(null, form(sent));
      expect(result).toMatchObject({ ok: false, code: "invalid_input" });
      if (result.ok) return;
      expect(Object.keys(result.fieldErrors ?? {})).toEqual([field]);
      expect(result.values).toMatchObject({
        name: sent.name,
        rateLimitPerMinute: sent.rateLimitPerMinute,
        allowedIps: sent.allowedIps,
      });
      expect(await database()).toEqual(snapshot);
    });
  }

  it("refuses members and signed-out callers, changing nothing", async () => {
    actAs(acme.owner.id);
    const id = await create();
    const snapshot = await database();
    actAs(acme.member?.id as string);
    expect(await updateApiKey(null, form({ ...untouched(id), name: "Member" }))).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    actAs(null);
    expect(await updateApiKey(null, form({ ...untouched(id), name: "Nobody" }))).toMatchObject({
      ok: false,
      code: "unauthenticated",
    });
    expect(await database()).toEqual(snapshot);
  });

  it("refuses another organization's key, an unknown id and a revoked key", async () => {
    actAs(rival.owner.id);
    const theirs = await create();
    actAs(acme.owner.id);
    const revoked = await create();
    await revokeApiKey({ id: revoked });
    const snapshot = await database();
    expect(await updateApiKey(null, form({ ...untouched(theirs), name: "Pwned" }))).toMatchObject({
      ok: false,
      code: "not_found",
      values: expect.objectContaining({ name: "Pwned" }),
    });
    expect(await updateApiKey(null, form({ ...untouched("nope"), name: "X" }))).toMatchObject({
      ok: false,
      code: "invalid_input",
      fieldErrors: { id: ["Unknown key."] },
    });
    expect(await updateApiKey(null, form({ ...untouched(revoked), name: "Back" }))).toMatchObject({
      ok: false,
      code: "conflict",
      error: "A revoked key cannot be changed.",
    });
    expect(await database()).toEqual(snapshot);
  });
});

describe("credits on the key's page", () => {
  let acme: Awaited<ReturnType<typeof createOrg>>;
  let rival: Awaited<ReturnType<typeof createOrg>>;
  beforeAll(async () => {
    acme = await createOrg("Acme", ["member"]);
    rival = await createOrg("Rival");
  });

  async function createMetered(usageLimit: string, usageRefill: string) {
    const result = await createApiKey(
      form({ name: "Metered", scopes: "customers:read", usageLimit, usageRefill }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
    return result.data.id;
  }

  it("creates a key with a usage limit and refill from the dialog's fields", async () => {
    actAs(acme.owner.id);
    const id = await createMetered("5", "daily");
    expect(await keyRow(id)).toMatchObject({
      usageLimit: 5,
      usageRefill: "daily",
      usageRemaining: 5,
    });
    const refused = await createApiKey(
      form({ name: "Refill only", scopes: "customers:read", usageLimit: "", usageRefill: "daily" }),
    );
    expect(refused).toMatchObject({
      ok: false,
      code: "invalid_input",
      fieldErrors: { usageRefill: ["Set a usage limit to refill it."] },
    });
  });

  it("edits the limit and refill in place with the other settings, keeping them when absent", async () => {
    actAs(acme.owner.id);
    const id = await createMetered("10", "never");
    await getDb().update(apiKeys).set({ usageRemaining: 4 }).where(eq(apiKeys.id, id));
    const settings = {
      id,
      name: "Metered",
      scopes: "customers:read",
      expiration: "keep",
      allowedIps: "",
      rateLimitPerMinute: "",
    };
    // A form without the usage fields (an older page) leaves the credits alone.
    expect(await updateApiKey(null, form(settings))).toMatchObject({
      message: "Nothing to change.",
    });
    expect(
      await updateApiKey(null, form({ ...settings, usageLimit: "20", usageRefill: "monthly" })),
    ).toMatchObject({ ok: true, message: "Changes saved." });
    expect(await keyRow(id)).toMatchObject({
      usageLimit: 20,
      usageRefill: "monthly",
      usageRemaining: 14,
      usageVersion: 1,
    });
    const bad = await updateApiKey(
      null,
      form({ ...settings, usageLimit: "", usageRefill: "daily" }),
    );
    expect(bad).toMatchObject({
      ok: false,
      code: "invalid_input",
      fieldErrors: { usageRefill: ["Set a usage limit to refill it."] },
      values: expect.objectContaining({ usageLimit: "", usageRefill: "daily" }),
    });
    expect(await keyRow(id)).toMatchObject({ usageLimit: 20, usageVersion: 1 });
    await updateApiKey(null, form({ ...settings, usageLimit: "", usageRefill: "never" }));
    expect(await keyRow(id)).toMatchObject({ usageLimit: null, usageRemaining: null });
  });

  it("sets the usage left of a key with a limit, for managers of its organization only", async () => {
    actAs(acme.owner.id);
    const id = await createMetered("5", "daily");
    await getDb().update(apiKeys).set({ usageRemaining: 0 }).where(eq(apiKeys.id, id));
    expect(await topUpApiKey(null, form({ id, usageRemaining: "5" }))).toEqual({
      ok: true,
      data: null,
      message: "Usage left saved.",
    });
    expect(await keyRow(id)).toMatchObject({ usageRemaining: 5, usageVersion: 1 });
    expect(await lastAudit(id)).toMatchObject({
      action: "key.updated",
      actorUserId: acme.owner.id,
      before: { usageRemaining: 0 },
      after: { usageRemaining: 5 },
    });

    const snapshot = await database();
    expect(await topUpApiKey(null, form({ id, usageRemaining: "-2" }))).toMatchObject({
      ok: false,
      code: "invalid_input",
      fieldErrors: { usageRemaining: ["Enter a whole number of requests."] },
    });
    const unlimited = await create();
    expect(await topUpApiKey(null, form({ id: unlimited, usageRemaining: "5" }))).toMatchObject({
      ok: false,
      code: "invalid_input",
      fieldErrors: { usageRemaining: [expect.stringContaining("no usage limit")] },
    });
    actAs(acme.member?.id as string);
    expect(await topUpApiKey(null, form({ id, usageRemaining: "500" }))).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    actAs(rival.owner.id);
    expect(await topUpApiKey(null, form({ id, usageRemaining: "500" }))).toMatchObject({
      ok: false,
      code: "not_found",
    });
    actAs(null);
    expect(await topUpApiKey(null, form({ id, usageRemaining: "500" }))).toMatchObject({
      ok: false,
      code: "unauthenticated",
    });
    const after = await database();
    expect(after.keys.filter((k) => k.id !== unlimited)).toEqual(snapshot.keys);
  });
});
