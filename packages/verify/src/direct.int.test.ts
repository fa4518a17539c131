/**
 * The direct verifier against Latchkey's real database, connected as the least-privilege role of
 * README "Protect your own service", and compared with the remote verifier on the app's own verify
 * route: the same verdicts for the same keys, revocations reaching another process, usage in the
 * app's stats, usage flushed on SIGTERM, and 503 when the database is cut.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { eq, sql } from "drizzle-orm";
import express from "express";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows, getDb } from "@/db";
import { keyStats } from "@/db/queries/usage-stats";
import { apiKeys } from "@/db/schema";
import { startExample } from "@/e2e/example-service";
import { type TcpProxy, tcpProxy } from "@/e2e/security/tcp-proxy";
import type { CreateKeyInput } from "@/lib/keys/schemas";
import type { Actor } from "@/lib/keys/service/audit";
import { changeKeyStatus } from "@/lib/keys/service/status";
import { verifyFastPath } from "@/lib/verify/fast-path";
import { createAppVerifyRuntime, setVerifyRuntime, type VerifyRuntime } from "@/lib/verify/runtime";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { withVerifyRuntime } from "@/tests/runtime";
import { createDirectVerifier, type DirectVerifier } from "./direct.ts";
import { expressApiKey } from "./express.ts";
import { createRemoteVerifier } from "./remote.ts";
import { UNAVAILABLE, type Verdict, type VerifyInput } from "./verdict.ts";
import type { LatchkeyVerifier, Outcome } from "./verifier-api.ts";

const root = path.resolve(import.meta.dirname, "../../..");

/** README's role: its SQL block under "Protect your own service", as a user would paste it. */
function readmeGrants(): { statements: string[]; role: string; password: string } {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Protect your own service"));
  const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README: no sql block under "Protect your own service"');
  const statements = block
    .replace(/--.*$/gm, "")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
  const create = statements.find((s) => /^CREATE ROLE/i.test(s)) ?? "";
  const role = /^CREATE ROLE (\w+)/i.exec(create)?.[1];
  const password = /PASSWORD '([^']*)'/i.exec(create)?.[1];
  if (!role || !password) throw new Error("README: CREATE ROLE … LOGIN PASSWORD '…' expected");
  return { statements, role, password };
}

/** One privilege on one table (or column): a README GRANT taken apart. */
type Grant = { privilege: string; table: string; column?: string };

function grantsOf(statements: readonly string[]): Grant[] {
  return statements
    .filter((s) => /^GRANT/i.test(s))
    .flatMap((s) => {
      const match = /^GRANT (.+) ON (.+) TO \w+$/is.exec(s);
      if (!match) throw new Error(`README: cannot read ${s}`);
      const [, privileges = "", tables = ""] = match;
      return tables
        .split(",")
        .flatMap((table) =>
          [...privileges.matchAll(/(\w+)(?:\s*\(([^)]*)\))?/g)].flatMap(
            ([, privilege = "", cols]) =>
              cols
                ? cols
                    .split(",")
                    .map((column) => ({ privilege, table: table.trim(), column: column.trim() }))
                : [{ privilege, table: table.trim() }],
          ),
        );
    });
}

const grantSql = (g: Grant, role: string) =>
  `GRANT ${g.privilege}${g.column ? ` (${g.column})` : ""} ON ${g.table} TO ${role}`;
const grantName = (g: Grant) => `${g.privilege}${g.column ? ` (${g.column})` : ""} ON ${g.table}`;

describe.skipIf(!process.env.DATABASE_URL)(
  "@latchkey/verify in direct mode, on PostgreSQL (skipped on PGlite: the verifier is a client of its own)",
  () => {
    const db = withTestDatabase();
    const app = withVerifyRuntime();

    const readme = readmeGrants();
    const roles: string[] = [];
    let databaseUrl: URL;
    let acme: Actor;
    let rival: Actor;
    let server: Server;
    let baseUrl: string;
    let callerKey: string;
    let direct: DirectVerifier;
    let remote: LatchkeyVerifier;
    const logs: string[] = [];

    const admin = () => {
      const client = db.client();
      if (client.kind !== "postgres") throw new Error("PostgreSQL only");
      return client.sql;
    };

    /** A role made of `grants` (README's by default), and the database URL that logs in as it. */
    async function createRole(grants?: readonly Grant[]): Promise<string> {
      const role = `lk_verifier_${randomBytes(5).toString("hex")}`;
      roles.push(role);
      const rename = (s: string) => s.replace(new RegExp(`\\b${readme.role}\\b`, "g"), role);
      const statements = grants
        ? [
            rename(readme.statements.find((s) => /^CREATE ROLE/i.test(s)) as string),
            ...grants.map((g) => grantSql(g, role)),
          ]
        : readme.statements.map(rename);
      for (const statement of statements) await admin().unsafe(statement);
      const url = new URL(databaseUrl);
      url.username = role;
      url.password = readme.password;
      return url.toString();
    }

    /** The URL of the n-th role made so far (the first is README's role of the whole suite). */
    function roleUrlOf(n: number): string {
      const url = new URL(databaseUrl);
      url.username = roles[n] as string;
      url.password = readme.password;
      return url.toString();
    }

    const newKey = (patch: Partial<CreateKeyInput> = {}, by: Actor = acme) =>
      createTestKey(by, { name: "Checked", ...patch });

    const directAs = (url: string, options: { log?: (m: string) => void } = {}) =>
      createDirectVerifier({
        databaseUrl: url,
        organizationId: acme.organizationId,
        flushMs: 600_000,
        log: options.log ?? ((m) => logs.push(m)),
      });

    beforeAll(async () => {
      const [row] = await executeRows<{ name: string }>(
        getDb(),
        sql`select current_database() as name`,
      );
      databaseUrl = new URL(process.env.DATABASE_URL as string);
      databaseUrl.pathname = `/${row?.name}`;
      const a = await createOrg("Acme");
      const r = await createOrg("Rival");
      acme = { organizationId: a.org.id, userId: a.owner.id, label: "owner" };
      rival = { organizationId: r.org.id, userId: r.owner.id, label: "rival" };

      // The app's verify route as server.ts answers it, in this process, on the app's runtime.
      server = createServer((req, res) => {
        if (!verifyFastPath(req, res)) res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      callerKey = (await newKey({ name: "Verifier", scopes: ["keys:verify"] })).key;
      remote = createRemoteVerifier({ baseUrl, apiKey: callerKey, log: (m) => logs.push(m) });
      direct = directAs(await createRole());
      await direct.ready();
    });

    afterAll(async () => {
      await remote?.close();
      await direct?.close();
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      for (const role of roles) {
        await admin().unsafe(`DROP OWNED BY ${role}`);
        await admin().unsafe(`DROP ROLE ${role}`);
      }
    });

    it("runs as README's role: LOGIN with exactly its grants, no superuser, nothing else it owns", async () => {
      const [role] = await admin()<{ rolsuper: boolean; rolcanlogin: boolean }[]>`
        select rolsuper, rolcanlogin from pg_roles where rolname = ${roles[0] as string}`;
      expect(role).toEqual({ rolsuper: false, rolcanlogin: true });
      const who = postgres(roleUrlOf(0), { max: 1, onnotice: () => {} });
      try {
        const [me] = await who<{ user: string }[]>`select current_user as user`;
        expect(me?.user).toMatch(/^lk_verifier_/);
        // It cannot read what it has no business with (users' password hashes, audit log).
        await expect(who`select 1 from users limit 1`).rejects.toThrow(/permission denied/);
        await expect(who`select 1 from audit_logs limit 1`).rejects.toThrow(/permission denied/);
        await expect(who`update api_keys set status = 'active'`).rejects.toThrow(
          /permission denied/,
        );
      } finally {
        await who.end();
      }
    });

    type Made = { key: string; id: string | null };
    type Case = {
      name: string;
      /** A fresh key of these settings, one per mode, so that each counts its own requests. */
      make: () => Promise<Made>;
      calls: Omit<VerifyInput, "key">[];
      codes: string[];
    };

    const deleted = async () => {
      const made = await newKey();
      await getDb().delete(apiKeys).where(eq(apiKeys.id, made.id));
      return { key: made.key, id: null };
    };
    const withStatus = (change: "disable" | "revoke") => async () => {
      const made = await newKey();
      await changeKeyStatus(getDb(), acme, [made.id], change);
      return made;
    };
    /** Credits set the way an admin change sets them: a new version of the counter. */
    const withCredits = (limit: number) => async () => {
      const made = await newKey();
      await getDb().execute(sql`
        update api_keys set usage_limit = ${limit}, usage_remaining = ${limit},
          usage_refill = 'never', usage_period = 0, usage_version = usage_version + 1
        where id = ${made.id}`);
      return made;
    };
    const flipped = (key: string) => {
      const at = 20;
      return {
        key: key.slice(0, at) + (key[at] === "a" ? "b" : "a") + key.slice(at + 1),
        id: null,
      };
    };
    const read = { scopes: ["customers:read"] };

    const cases: Case[] = [
      { name: "valid", make: newKey, calls: [read, {}], codes: ["valid", "valid"] },
      { name: "unknown key", make: deleted, calls: [read], codes: ["invalid_key"] },
      {
        name: "bad checksum",
        make: async () => flipped((await newKey()).key),
        calls: [read],
        codes: ["invalid_key"],
      },
      {
        name: "garbage",
        make: async () => ({ key: "lk_live_notakey", id: null }),
        calls: [read],
        codes: ["invalid_key"],
      },
      {
        name: "a 300-character key",
        make: async () => ({ key: `lk_live_${"a".repeat(292)}`, id: null }),
        calls: [read],
        codes: ["invalid_key"],
      },
      {
        name: "another organization's key",
        make: async () => ({ key: (await newKey({}, rival)).key, id: null }),
        calls: [read, {}],
        codes: ["invalid_key", "invalid_key"],
      },
      { name: "disabled", make: withStatus("disable"), calls: [read], codes: ["key_disabled"] },
      { name: "revoked", make: withStatus("revoke"), calls: [read], codes: ["key_revoked"] },
      {
        name: "insufficient scope",
        make: () => newKey({ scopes: ["customers:write"] }),
        calls: [
          read,
          { scopes: ["customers:write"] },
          { scopes: ["customers:write", "customers:read"] },
        ],
        codes: ["insufficient_scope", "valid", "insufficient_scope"],
      },
      {
        name: "IP allowlist",
        make: () => newKey({ allowedIps: ["203.0.113.0/24", "2001:db8::/32"] }),
        calls: [
          { clientIp: "203.0.113.7" },
          { clientIp: "2001:db8::1" },
          { clientIp: "198.51.100.1" },
          {},
          // What a forged X-Forwarded-For makes of Express's req.ip behind `trust proxy`.
          { clientIp: "203.0.113.7, 10.0.0.1" },
          { clientIp: "not-an-ip" },
        ],
        codes: [
          "valid",
          "valid",
          "ip_not_allowed",
          "ip_not_allowed",
          "ip_not_allowed",
          "ip_not_allowed",
        ],
      },
      {
        name: "no allowlist, an address that is none",
        make: newKey,
        calls: [{ clientIp: "not-an-ip" }],
        codes: ["valid"],
      },
      {
        name: "rate limit of 3",
        make: () => newKey({ rateLimitPerMinute: 3 }),
        calls: [read, read, read, read, read],
        codes: ["valid", "valid", "valid", "rate_limited", "rate_limited"],
      },
      {
        name: "usage limit of 3",
        make: withCredits(3),
        calls: [read, read, read, read],
        codes: ["valid", "valid", "valid", "usage_exceeded"],
      },
      {
        name: "usage limit of 3, cost 2",
        make: withCredits(3),
        calls: [
          { cost: 2 },
          { cost: 2 },
          { cost: 1 },
          { cost: 0 },
          { cost: 1, scopes: ["customers:write"] },
        ],
        codes: ["valid", "usage_exceeded", "valid", "valid", "insufficient_scope"],
      },
    ];

    /** The verdict with what differs between two fresh keys of the same settings taken out. */
    function comparable(outcome: Outcome, made: Made) {
      if (!("keyId" in outcome)) return outcome;
      expect(outcome.keyId).toBe(made.id);
      const { rateLimit } = outcome as Verdict;
      if (rateLimit) {
        expect(rateLimit.reset).toBeGreaterThanOrEqual(1);
        expect(rateLimit.reset).toBeLessThanOrEqual(60);
      }
      return {
        ...outcome,
        keyId: made.id === null ? null : "<the key's id>",
        rateLimit: rateLimit && { limit: rateLimit.limit, remaining: rateLimit.remaining },
      };
    }

    for (const c of cases) {
      it(`answers the same in direct and remote mode: ${c.name}`, async () => {
        const results: Record<string, unknown[]> = {};
        for (const [mode, verifier] of [
          ["direct", direct],
          ["remote", remote],
        ] as const) {
          const made = await c.make();
          const outcomes: Outcome[] = [];
          for (const call of c.calls)
            outcomes.push(await verifier.verify({ key: made.key, ...call }));
          expect(
            outcomes.map((o) => o.code),
            mode,
          ).toEqual(c.codes);
          results[mode] = outcomes.map((o) => comparable(o, made));
        }
        expect(results.direct).toEqual(results.remote);
        expect(logs).toEqual([]);
      });
    }

    it("without organizationId, lets nothing through while the database holds several organizations", async () => {
      const seen: string[] = [];
      const unscoped = createDirectVerifier({
        databaseUrl: roleUrlOf(0),
        flushMs: 600_000,
        log: (m) => seen.push(m),
      });
      try {
        const { key } = await newKey();
        const { key: theirs } = await newKey({}, rival);
        expect(await unscoped.verify({ key })).toEqual(UNAVAILABLE);
        expect(await unscoped.verify({ key: theirs })).toEqual(UNAVAILABLE);
        expect(seen.some((m) => m.includes("pass organizationId"))).toBe(true);
      } finally {
        await unscoped.close();
      }
    });

    it("spends and reports the same rate limit and credits in both modes", async () => {
      const remaining = async (
        verifier: LatchkeyVerifier,
        make: () => Promise<Made>,
        n: number,
      ) => {
        const made = await make();
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) {
          const v = (await verifier.verify({ key: made.key })) as Verdict;
          out.push([v.code, v.rateLimit?.remaining, v.credits?.remaining ?? null]);
        }
        return out;
      };
      const limited = () => newKey({ rateLimitPerMinute: 2 });
      const expectedRate = [
        ["valid", 1, null],
        ["valid", 0, null],
        ["rate_limited", 0, null],
      ];
      expect(await remaining(direct, limited, 3)).toEqual(expectedRate);
      expect(await remaining(remote, limited, 3)).toEqual(expectedRate);
      const expectedCredits = [
        ["valid", 599, 2],
        ["valid", 598, 1],
        ["valid", 597, 0],
        ["usage_exceeded", 596, 0],
      ];
      expect(await remaining(direct, withCredits(3), 4)).toEqual(expectedCredits);
      expect(await remaining(remote, withCredits(3), 4)).toEqual(expectedCredits);
    });

    it("expires a key at its expiresAt to the millisecond, in both modes", async () => {
      const expiresAt = Date.now() + 3_600_000;
      let frozen = expiresAt - 1;
      const clock = () => frozen;
      // The app's runtime takes a clock; a direct verifier reads Date.now as it is when made.
      const realNow = Date.now;
      Date.now = clock;
      const clocked = (() => {
        try {
          return directAs(roleUrlOf(0));
        } finally {
          Date.now = realNow;
        }
      })();
      const appClocked: VerifyRuntime = createAppVerifyRuntime({
        defaultRateLimitPerMinute: 600,
        flushMs: 600_000,
        now: clock,
      });
      await appClocked.start();
      setVerifyRuntime(appClocked);
      try {
        const results: Record<string, unknown[]> = {};
        for (const [mode, verifier] of [
          ["direct", clocked],
          ["remote", remote],
        ] as const) {
          const made = await newKey({ expiresAt: new Date(expiresAt) });
          frozen = expiresAt - 1;
          const before = await verifier.verify({ key: made.key, ...read });
          frozen = expiresAt;
          const at = await verifier.verify({ key: made.key, ...read });
          expect([before.code, at.code], mode).toEqual(["valid", "key_expired"]);
          expect((at as Verdict).expiresAt).toBe(new Date(expiresAt).toISOString());
          results[mode] = [before, at].map((o) => comparable(o, made));
        }
        expect(results.direct).toEqual(results.remote);
      } finally {
        setVerifyRuntime(app());
        await appClocked.stop();
        await clocked.close();
      }
    });

    it("records usage under the endpoint given, in the app's stats, and moves Last used", async () => {
      const made = await newKey();
      const lastUsed = async () =>
        (
          await executeRows<{ at: string | null }>(
            getDb(),
            sql`select last_used_at::text as at from api_keys where id = ${made.id}`,
          )
        )[0]?.at ?? null;
      expect(await lastUsed()).toBeNull();
      for (let i = 0; i < 3; i++) {
        expect(
          (await direct.verify({ key: made.key, ...read, endpoint: "GET /v1/things" })).code,
        ).toBe("valid");
      }
      const refused = await direct.verify({
        key: made.key,
        scopes: ["customers:write"],
        endpoint: "POST /v1/things/{id}/run",
      });
      expect(refused.code).toBe("insufficient_scope");
      expect((await direct.verify({ key: made.key })).code).toBe("valid");
      await direct.runtime.usage.flush();

      const stats = await keyStats(getDb(), acme.organizationId, made.id, "1h");
      expect(stats).toMatchObject({ totalRequests: 5, successfulRequests: 4, errorRequests: 1 });
      expect(stats.topEndpoints).toEqual(
        expect.arrayContaining([
          { method: "GET", endpoint: "/v1/things", count: 3 },
          { method: "POST", endpoint: "/v1/things/{id}/run", count: 1 },
          { method: "POST", endpoint: "verify", count: 1 },
        ]),
      );
      expect(await keyStats(getDb(), rival.organizationId, made.id, "1h")).toMatchObject({
        totalRequests: 0,
      });
      const first = await lastUsed();
      expect(first).not.toBeNull();

      await new Promise((r) => setTimeout(r, 20));
      await direct.verify({ key: made.key, endpoint: "GET /v1/things" });
      await direct.runtime.usage.flush();
      const second = await lastUsed();
      expect(Date.parse(second as string)).toBeGreaterThan(Date.parse(first as string));
      expect(logs).toEqual([]);
    });

    it("writes the credits it spends to the key's row, where the app counts them too", async () => {
      // Leases are a tenth of what is left: this one takes blocks of 10 credits.
      const made = await withCredits(100)();
      const spender = directAs(roleUrlOf(0));
      try {
        for (let i = 0; i < 4; i++) {
          expect((await spender.verify({ key: made.key })).code).toBe("valid");
        }
      } finally {
        // What its lease still holds goes back to the row.
        await spender.close();
      }
      const [row] = await executeRows<{ remaining: number }>(
        getDb(),
        sql`select usage_remaining as remaining from api_keys where id = ${made.id}`,
      );
      expect(row?.remaining).toBe(96);
      // The app spends what is left, and not one credit more.
      const seen: string[] = [];
      for (let i = 0; i < 98; i++) seen.push((await remote.verify({ key: made.key })).code);
      expect(seen.filter((c) => c === "valid")).toHaveLength(96);
      expect(seen.slice(-2)).toEqual(["usage_exceeded", "usage_exceeded"]);
      expect(logs).toEqual([]);
    });

    it("needs every grant README gives its role: without any one of them, something fails", async () => {
      const all = grantsOf(readme.statements);
      expect(all.length).toBeGreaterThan(5);
      /** Everything a direct verifier writes: usage, Last used, credits, a webhook event. */
      const scenario = async (url: string) => {
        const failures: string[] = [];
        const hooked = await newKey({ rateLimitPerMinute: 1 });
        await getDb().execute(sql`
          update api_keys set webhook_url = 'https://hooks.example.test/latchkey',
            usage_limit = 5, usage_remaining = 5, usage_version = usage_version + 1
          where id = ${hooked.id}`);
        const verifier = directAs(url, { log: (m) => failures.push(m) });
        try {
          const codes = [];
          for (let i = 0; i < 2; i++) {
            codes.push(
              (await verifier.verify({ key: hooked.key, endpoint: "GET /v1/things" })).code,
            );
          }
          if (codes.join() !== "valid,rate_limited") failures.push(codes.join());
        } finally {
          await verifier.close();
        }
        return failures;
      };
      expect(await scenario(await createRole(all))).toEqual([]);
      const unneeded: string[] = [];
      for (const left of all) {
        const failures = await scenario(await createRole(all.filter((g) => g !== left)));
        if (failures.length === 0) unneeded.push(grantName(left));
      }
      expect(unneeded, "grants README gives that the direct verifier never needs").toEqual([]);
    });

    describe("a revocation in the app reaches a direct verifier in another process", () => {
      let child: ChildProcess;
      type Answer = Outcome & { notified: boolean };
      const pending = new Map<number, (answer: Answer) => void>();
      let nextId = 0;
      const ask = (key: string) =>
        new Promise<Answer>((resolve) => {
          const id = ++nextId;
          pending.set(id, resolve);
          child.stdin?.write(`${JSON.stringify({ id, input: { key } })}\n`);
        });

      beforeAll(async () => {
        child = spawn(
          process.execPath,
          ["--import", "tsx", "packages/verify/src/test-direct-child.ts"],
          {
            cwd: root,
            env: {
              PATH: process.env.PATH ?? "",
              NODE_ENV: "test",
              LATCHKEY_DATABASE_URL: roleUrlOf(0),
              LATCHKEY_ORGANIZATION_ID: acme.organizationId,
            },
            stdio: ["pipe", "pipe", "inherit"],
          },
        );
        const ready = new Promise<void>((resolve, reject) => {
          child.once("exit", (code) => reject(new Error(`the verifier process exited: ${code}`)));
          createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
            const message = JSON.parse(line) as {
              id?: number;
              outcome?: Outcome;
              notified?: boolean;
              ready?: true;
            };
            if (message.ready) resolve();
            if (message.id && message.outcome) {
              pending.get(message.id)?.({ ...message.outcome, notified: !!message.notified });
            }
          });
        });
        await ready;
      });

      afterAll(async () => {
        if (!child || child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.stdin?.write(`${JSON.stringify({ id: 0, close: true })}\n`);
        child.stdin?.end();
        await exited;
      });

      it("keeps serving a cached key that changed without a notification", async () => {
        const made = await newKey();
        expect((await ask(made.key)).code).toBe("valid");
        // Past the short TTL of anything cached before the change listener was known to work.
        await new Promise((r) => setTimeout(r, 1200));
        expect((await ask(made.key)).code).toBe("valid");
        await getDb().execute(sql`update api_keys set status = 'disabled' where id = ${made.id}`);
        await new Promise((r) => setTimeout(r, 1200));
        // The cache answers: only a notification makes the other process look again.
        expect((await ask(made.key)).code).toBe("valid");
        await changeKeyStatus(getDb(), acme, [made.id], "revoke");
        await expect
          .poll(async () => (await ask(made.key)).code, { timeout: 2000, interval: 5 })
          .toBe("key_revoked");
      });

      it("refuses the key on the first request after the change is delivered, and measures the lag", async () => {
        const lags: number[] = [];
        for (let i = 0; i < 9; i++) {
          const change = i % 2 ? "revoke" : "disable";
          const refusal = i % 2 ? "key_revoked" : "key_disabled";
          const made = await newKey({ name: `Lag ${i}` });
          expect((await ask(made.key)).code).toBe("valid");
          expect((await ask(made.key)).code).toBe("valid");

          await changeKeyStatus(getDb(), acme, [made.id], change);
          const returned = performance.now();
          const answers: { code: string; notified: boolean; answered: number }[] = [];
          while (performance.now() - returned < 2000) {
            const { code, notified } = await ask(made.key);
            answers.push({ code, notified, answered: performance.now() });
            if (code !== "valid") break;
          }
          const last = answers.at(-1);
          expect(last?.code, `refused within 2 s (${answers.length} requests)`).toBe(refusal);
          // Not one request was allowed once the other process had heard of the change, and the
          // refusal came from hearing of it (the key was cached for a minute).
          expect(answers.filter((a) => a.notified && a.code === "valid")).toEqual([]);
          expect(last?.notified).toBe(true);
          lags.push((last?.answered as number) - returned);
        }
        const sorted = [...lags].sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)] as number;
        console.info(
          `[revocation lag] direct verifier in another process, from changeKeyStatus returning to its first refusal: median ${median.toFixed(1)} ms, min ${sorted[0]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms over ${lags.length} keys`,
        );
        expect(median).toBeLessThan(2000);
      });
    });

    it("flushes buffered usage when the example service gets SIGTERM", async () => {
      const made = await newKey();
      const example = await startExample(
        {
          LATCHKEY_DATABASE_URL: roleUrlOf(0),
          LATCHKEY_ORGANIZATION_ID: acme.organizationId,
          USAGE_FLUSH_MS: "600000",
        },
        { source: true },
      );
      let code: number | null;
      try {
        for (let i = 0; i < 4; i++) {
          const res = await fetch(`${example.url}/v1/things`, {
            headers: { "X-API-Key": made.key },
          });
          expect(res.status, example.output()).toBe(200);
        }
        const refused = await fetch(`${example.url}/v1/things/1/run`, {
          method: "POST",
          headers: { authorization: `Bearer ${made.key}` },
        });
        expect(refused.status).toBe(403);
        const usage = await executeRows<{ n: number }>(
          getDb(),
          sql`select count(*)::int as n from api_key_usage where key_id = ${made.id}`,
        );
        expect(usage[0]?.n, "nothing written before the flush interval").toBe(0);
      } finally {
        code = await example.stop("SIGTERM");
      }
      expect(code, example.output()).toBe(0);
      const rows = await executeRows<{
        method: string;
        endpoint: string;
        status_class: number;
        requests: number;
      }>(
        getDb(),
        sql`select method, endpoint, status_class, requests::int as requests from api_key_usage
            where key_id = ${made.id} order by endpoint`,
      );
      expect(rows).toEqual([
        { method: "GET", endpoint: "/v1/things", status_class: 200, requests: 4 },
        { method: "POST", endpoint: "/v1/things/:id/run", status_class: 400, requests: 1 },
      ]);
      const [key] = await executeRows<{ at: string | null }>(
        getDb(),
        sql`select last_used_at::text as at from api_keys where id = ${made.id}`,
      );
      expect(key?.at).not.toBeNull();
    });

    describe("with the database cut", () => {
      let proxy: TcpProxy;
      let cut: DirectVerifier;
      const cutLogs: string[] = [];

      beforeAll(async () => {
        proxy = await tcpProxy(Number(databaseUrl.port || 5432), databaseUrl.hostname);
        const url = new URL(roleUrlOf(0));
        url.host = `127.0.0.1:${proxy.port}`;
        cut = directAs(url.toString(), { log: (m) => cutLogs.push(m) });
        await cut.ready();
      });

      afterAll(async () => {
        proxy.up();
        await cut?.close();
        await proxy?.close();
      });

      it("answers verification_unavailable, and an Express route 503 problem+json", async () => {
        const before = await newKey();
        expect((await cut.verify({ key: before.key })).code).toBe("valid");
        const fresh = await newKey();
        const other = await newKey();
        proxy.down();

        const started = performance.now();
        expect(await cut.verify({ key: fresh.key, ...read })).toEqual({
          valid: false,
          code: "verification_unavailable",
        });
        expect(performance.now() - started).toBeLessThan(5000);

        const service = express();
        service.get("/v1/things", expressApiKey(cut, read), (_req, res) => {
          res.json({ ok: true });
        });
        const listening = service.listen(0, "127.0.0.1");
        await new Promise((resolve) => listening.once("listening", resolve));
        try {
          const port = (listening.address() as AddressInfo).port;
          const res = await fetch(`http://127.0.0.1:${port}/v1/things`, {
            headers: { "X-API-Key": other.key },
          });
          expect(res.status).toBe(503);
          expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json(;|$)/);
          expect(await res.json()).toMatchObject({ status: 503, code: "verification_unavailable" });
        } finally {
          listening.closeAllConnections();
          await new Promise((resolve) => listening.close(resolve));
        }
        const said = cutLogs.join("\n");
        expect(said).toMatch(/key store unreachable/);
        for (const key of [before.key, fresh.key, other.key]) expect(said).not.toContain(key);
      });
    });
  },
);
