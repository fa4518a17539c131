/**
 * Containing a reported key never depends on what the report says around it (url, source,
 * type), and one key that cannot be contained never spares the others.
 */
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as leaks } from "@/app/api/v1/leaks/route";
import { getDb } from "@/db";
import { apiKeys, auditLogs } from "@/db/schema";
import { hashApiKey } from "@/lib/keys/format";
import { settleLeakReports } from "@/lib/keys/leak-intake";
import type { Actor } from "@/lib/keys/service/audit";
import { applyLeakReport } from "@/lib/keys/service/leak";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { withVerifyRuntime } from "@/tests/runtime";

withTestDatabase();
withVerifyRuntime();

let actor: Actor;
let ip = 0;

beforeAll(async () => {
  const { org, owner } = await createOrg("Leaky");
  actor = { organizationId: org.id, userId: owner.id, label: "owner" };
});

afterEach(() => {
  vi.restoreAllMocks();
});

const statusOf = async (id: string) => {
  const [row] = await getDb()
    .select({ status: apiKeys.status, leakedAt: apiKeys.leakedAt })
    .from(apiKeys)
    .where(eq(apiKeys.id, id));
  return row;
};
const leakAudit = async (id: string) => {
  const [row] = await getDb()
    .select({ metadata: auditLogs.metadata })
    .from(auditLogs)
    .where(and(eq(auditLogs.keyId, id), eq(auditLogs.action, "key.leaked")));
  return row?.metadata as Record<string, unknown> | undefined;
};

/** Posts raw JSON text, so escapes like \u0000 and a lone \ud800 arrive exactly as sent. */
async function report(json: string) {
  const res = await call(leaks as never, {
    path: "/api/v1/leaks",
    method: "POST",
    body: json,
    ip: `198.51.100.${++ip}`,
  });
  await settleLeakReports();
  return res;
}

describe("leak containment", () => {
  it("contains every key of a GitHub report whose urls and sources hold NUL or lone surrogates", async () => {
    const logged = vi.spyOn(console, "error");
    const a = await createTestKey(actor, { name: "nul url" });
    const b = await createTestKey(actor, { name: "surrogate url" });
    const c = await createTestKey(actor, { name: "clean" });
    const d = await createTestKey(actor, { name: "odd decoration" });
    const res = await report(`[
      {"token":"${a.key}","type":"latchkey_api_key","url":"https://gist.github.com/x\\u0000y","source":"gist"},
      {"token":"${b.key}","type":"latchkey\\ud800","url":"https://github.com/\\ud800","source":"commit\\udfff"},
      {"token":"${c.key}","type":"latchkey_api_key","url":"https://github.com/ok","source":"commit"},
      {"token":"${d.key}","type":{"x":1},"url":42,"source":"${"s".repeat(500)}"}
    ]`);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ received: 4 });
    for (const key of [a, b, c, d]) {
      expect((await statusOf(key.id))?.status, key.id).toBe("disabled");
    }
    expect(await leakAudit(a.id)).toMatchObject({
      url: "https://gist.github.com/xy",
      source: "gist",
    });
    expect(await leakAudit(b.id)).toMatchObject({ url: "https://github.com/", source: "commit" });
    expect(await leakAudit(c.id)).toMatchObject({ url: "https://github.com/ok" });
    expect(await leakAudit(d.id)).toMatchObject({ url: null, source: "s".repeat(128) });
    expect(logged).not.toHaveBeenCalled();
  });

  it("contains the keys of our own shape whatever its url, and next to over-long strings", async () => {
    const a = await createTestKey(actor, { name: "list a" });
    const b = await createTestKey(actor, { name: "list b" });
    const res = await report(
      JSON.stringify({
        keys: [a.key, "x".repeat(1000), b.key],
        url: `https://example.com/\u0000${"u".repeat(5000)}`,
        source: "\ud800",
      }),
    );
    expect(res.status).toBe(202);
    for (const key of [a, b]) expect((await statusOf(key.id))?.status).toBe("disabled");
    const audit = await leakAudit(a.id);
    expect(String(audit?.url)).toHaveLength(2047);
    expect(audit?.source).toBeNull();
  });

  it("contains each key on its own: a key whose audit row fails is retried bare, the rest go on", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const bad = await createTestKey(actor, { name: "unwritable report" });
    const good = await createTestKey(actor, { name: "next in line" });
    // Straight to the service, past the intake's cleaning: jsonb refuses this url.
    const done = await applyLeakReport(getDb(), [
      { hash: hashApiKey(bad.key), url: "https://x.test/\u0000", source: "\ud800" },
      { hash: hashApiKey(good.key), url: "https://x.test/fine", source: "gist" },
    ]);
    expect(done.map((d) => d.id).sort()).toEqual([bad.id, good.id].sort());
    expect((await statusOf(bad.id))?.status).toBe("disabled");
    expect((await statusOf(good.id))?.status).toBe("disabled");
    expect(await leakAudit(bad.id)).toMatchObject({ url: null, source: null, policy: "disable" });
    expect(await leakAudit(good.id)).toMatchObject({ url: "https://x.test/fine" });
    // The failure is logged once, naming the key's id — never the key or its hash.
    expect(logged).toHaveBeenCalledTimes(1);
    const line = logged.mock.calls[0]?.join(" ") ?? "";
    expect(line).toContain(bad.id);
    expect(line).not.toContain(bad.key);
    expect(line).not.toContain(hashApiKey(bad.key));
    expect(line).not.toContain("x.test");
  });
});
