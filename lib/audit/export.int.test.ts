import { beforeAll, expect, it } from "vitest";
import { GET as exportCsv } from "@/app/(app)/settings/audit-log/export/route";
import { getDb } from "@/db";
import { createKey } from "@/lib/keys/service/create";
import { withTestDatabase } from "@/tests/db";
import { createOrg } from "@/tests/factories";
import { actAs } from "@/tests/request-context";

withTestDatabase();

let acme: Awaited<ReturnType<typeof createOrg>>;
let rival: Awaited<ReturnType<typeof createOrg>>;
let keyId: string;

const input = {
  description: null,
  scopes: ["customers:read" as const],
  environment: "live" as const,
  expiresAt: null,
  allowedIps: [],
  rateLimitPerMinute: null,
};

beforeAll(async () => {
  acme = await createOrg("Acme", ["member"]);
  rival = await createOrg("Rival");
  const actor = { organizationId: acme.org.id, userId: acme.owner.id, label: "=cmd|' /C calc'!A0" };
  ({ id: keyId } = await createKey(getDb(), actor, { ...input, name: "@evil" }, "lk"));
  await createKey(getDb(), actor, { ...input, name: "Other" }, "lk");
  await createKey(
    getDb(),
    { organizationId: rival.org.id, userId: rival.owner.id, label: "rival" },
    { ...input, name: "Rival secret" },
    "lk",
  );
});

const get = async (query = "") => {
  const res = await exportCsv(new Request(`http://localhost/settings/audit-log/export${query}`));
  return { status: res.status, headers: res.headers, text: await res.text() };
};

it("refuses visitors without a membership", async () => {
  actAs(null);
  expect((await get()).status).toBe(401);
});

it("exports the member's organization only, filtered, with formulas neutralised", async () => {
  actAs(acme.member?.id ?? null, acme.org.id);
  const all = await get();
  expect(all.status).toBe(200);
  expect(all.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  expect(all.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-/);
  const lines = all.text.trimEnd().split("\r\n");
  expect(lines[0]).toBe('"time","actor","action","key","key_id","actor_key_id","details"');
  expect(lines).toHaveLength(3);
  expect(all.text).not.toContain("Rival secret");
  expect(all.text).toContain(`"'=cmd|' /C calc'!A0","key.created","'@evil"`);
  expect(all.text).not.toMatch(/(^|,)"[=@]/m);

  const one = await get(`?key=${keyId}&from=2000-01-01&to=2999-12-31`);
  expect(one.text.trimEnd().split("\r\n")).toHaveLength(2);
  expect((await get("?action=key.revoked")).text.trimEnd().split("\r\n")).toHaveLength(1);
  // A bad filter value is refused: ignoring it would export more than was asked for.
  const bad = await get("?from=never");
  expect(bad.status).toBe(400);
  expect(bad.text).toBe("These filters are not valid: from.");
});
