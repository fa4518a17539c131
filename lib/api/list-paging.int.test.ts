import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as deliveriesRoute } from "@/app/api/v1/api-keys/[id]/webhook-deliveries/route";
import { GET as keysRoute } from "@/app/api/v1/api-keys/route";
import { GET as auditRoute } from "@/app/api/v1/audit-log/route";
import { GET as customersRoute } from "@/app/api/v1/customers/route";
import { getDb } from "@/db";
import { apiKeys } from "@/db/schema";
import { createAppVerifyRuntime, setVerifyRuntime, type VerifyRuntime } from "@/lib/verify/runtime";
import { call } from "@/tests/api";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey, createUser } from "@/tests/factories";
import {
  type AuditRow,
  type AuditSpec,
  clearOrganizations,
  compare,
  contains,
  type DeliveryRow,
  dateAt,
  expectedIds,
  insertAuditRows,
  insertCustomers,
  insertDeliveries,
  insertKeys,
  type KeyRow,
  type KeySpec,
  microsOf,
  org,
  stamp,
  type TimedRow,
  tick,
  walkCursor,
} from "@/tests/listings";

/**
 * Every management-API listing, walked page by page with each filter and page size, returns the
 * caller's matching rows exactly once, in order — with another organization's rows older, newer
 * and at the very same instant on both sides of every page boundary.
 */

withTestDatabase();

let runtime: VerifyRuntime;
let orgIds: string[];
/** The calling keys, one per organization; they are listed rows themselves. */
let callers: KeyRow[];
let callerKeys: string[];
let people: { id: string; name: string }[];

/** The instant the calling keys were created at (ties with generated rows on purpose). */
const CALLER_T = 2000;
/** The day every generated row falls on. */
const BASE_DAY = "2026-06-01";

beforeAll(async () => {
  const a = await createOrg("Acme");
  const b = await createOrg("Rival");
  orgIds = [a.org.id, b.org.id];
  runtime = createAppVerifyRuntime({ defaultRateLimitPerMinute: 1_000_000, flushMs: 600_000 });
  await runtime.start();
  setVerifyRuntime(runtime);
  const scopes = ["api_keys:read" as const, "customers:read" as const];
  const made = [
    await createTestKey(
      { organizationId: a.org.id, userId: a.owner.id, label: "owner" },
      { name: "Caller A", scopes },
    ),
    await createTestKey(
      { organizationId: b.org.id, userId: b.owner.id, label: "owner" },
      { name: "Caller B", scopes },
    ),
  ];
  callerKeys = made.map((m) => m.key);
  callers = made.map((m, i) => ({
    id: m.id,
    organizationId: orgIds[i] as string,
    org: i,
    t: CALLER_T,
    name: i === 0 ? "Caller A" : "Caller B",
    status: "active",
    environment: "live",
    expiresInHours: null,
    lastUsed: null,
  }));
  for (const c of callers) {
    await getDb()
      .update(apiKeys)
      .set({ createdAt: sql`${stamp(c.t)}::timestamptz` })
      .where(eq(apiKeys.id, c.id));
  }
  people = [await createUser("Carol"), await createUser("dave_100%")];
});

afterAll(async () => {
  await runtime.stop();
  setVerifyRuntime(undefined);
});

const query = (params: Record<string, string | number | undefined | null>) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null) search.set(k, String(v));
  return search.toString();
};

// ---------------------------------------------------------------------------------------------
// The models

type KeyFilter = {
  status?: "active" | "disabled" | "revoked" | "expired";
  environment?: "live" | "test";
  expiringWithin?: "2h" | "7d" | "30d";
  q?: string;
};

const HOURS = { "2h": 2, "7d": 168, "30d": 720 } as const;

function keyMatches(k: KeySpec, f: KeyFilter): boolean {
  const expired = k.expiresInHours !== null && k.expiresInHours <= 0;
  const shown = k.status === "revoked" ? "revoked" : expired ? "expired" : k.status;
  if (f.status && shown !== f.status) return false;
  if (f.environment && k.environment !== f.environment) return false;
  if (f.expiringWithin) {
    if (k.status === "revoked" || k.expiresInHours === null || expired) return false;
    if (k.expiresInHours > HOURS[f.expiringWithin]) return false;
  }
  if (f.q && !contains(k.name, f.q)) return false;
  return true;
}

/** Newest first on (created_at, id). */
const newestById = (a: { t: number; id: string }, b: { t: number; id: string }) =>
  compare([b.t, b.id], [a.t, a.id]);

type AuditFilter = {
  keyId?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
};

/** `from`/`to` as the API reads them: a day is the whole UTC day, a date-time that instant. */
function bounds(f: AuditFilter) {
  const day = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
  const from = f.from ? microsOf(new Date(day(f.from) ? `${f.from}T00:00:00Z` : f.from)) : null;
  const to = f.to
    ? day(f.to)
      ? microsOf(new Date(`${f.to}T00:00:00Z`)) + 86_400_000_000
      : microsOf(new Date(f.to))
    : null;
  return { from, to };
}

function auditMatches(r: AuditRow, f: AuditFilter): boolean {
  if (f.keyId && r.keyId !== f.keyId) return false;
  if (f.actor && !contains(r.actorLabel, f.actor) && !contains(r.actorName, f.actor)) return false;
  if (f.action && r.action !== f.action) return false;
  const { from, to } = bounds(f);
  if (from !== null && r.t < from) return false;
  if (to !== null && r.t >= to) return false;
  return true;
}

/** Newest first on (created_at, seq). */
const newestBySeq = (a: AuditRow, b: AuditRow) => compare([b.t, b.seq], [a.t, a.seq]);

// ---------------------------------------------------------------------------------------------
// Walkers

const walkKeys = (caller: number, filter: KeyFilter, limit: number, bound: number) =>
  walkCursor(
    limit,
    (cursor) =>
      call(keysRoute, {
        path: `/api/v1/api-keys?${query({ ...filter, limit, cursor })}`,
        key: callerKeys[caller],
      }),
    bound,
  );

const walkAudit = (caller: number, filter: AuditFilter, limit: number, bound: number) =>
  walkCursor(
    limit,
    (cursor) =>
      call(auditRoute, {
        path: `/api/v1/audit-log?${query({ ...filter, limit, cursor })}`,
        key: callerKeys[caller],
      }),
    bound,
  );

const walkCustomers = (caller: number, limit: number, bound: number) =>
  walkCursor(
    limit,
    (cursor) =>
      call(customersRoute, {
        path: `/api/v1/customers?${query({ limit, cursor })}`,
        key: callerKeys[caller],
      }),
    bound,
  );

// ---------------------------------------------------------------------------------------------
// A fixed layout: for each organization, the other's rows sit older, newer, at the same
// microsecond (with ids and sequence numbers on both sides), and within the same millisecond.

/** [organization, microseconds after BASE], in insertion order. */
const LAYOUT: [number, number][] = [
  [1, 500],
  [0, 1000],
  [1, 1000],
  [1, 1500],
  [0, 2000],
  [1, 2000],
  [0, 2000],
  [1, 2000],
  [0, 2000],
  [1, 2000],
  [0, 2001],
  [1, 2456],
  [1, 2500],
  [0, 3000],
  [1, 3000],
  [1, 3001],
  [0, 3456],
  [1, 3999],
  [0, 3999],
  [1, 4500],
  [0, 5000],
  [1, 6000],
];
/** Ids that rise along the layout, so rows at one instant alternate between organizations. */
const layoutId = (i: number) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`;
const LIMITS = [1, 2, 3, 4, 100];

describe("other organizations' rows on both sides of every page boundary", () => {
  it("GET /api/v1/api-keys", async () => {
    await clearOrganizations(
      orgIds,
      callers.map((c) => c.id),
    );
    const rows = [
      ...callers,
      ...(await insertKeys(
        orgIds,
        LAYOUT.map(([o, t], i) => ({
          org: o,
          t,
          id: layoutId(i),
          name: `key ${i}`,
          status: "active",
          environment: "live",
          expiresInHours: null,
          lastUsed: null,
        })),
      )),
    ];
    for (const caller of [0, 1]) {
      const expected = expectedIds(rows, orgIds[caller] as string, () => true, newestById);
      expect(expected.length).toBeGreaterThan(9);
      for (const limit of LIMITS) {
        expect(
          await walkKeys(caller, {}, limit, rows.length),
          `caller ${caller}, limit ${limit}`,
        ).toEqual(expected);
      }
    }
  });

  it("GET /api/v1/audit-log", async () => {
    await clearOrganizations(
      orgIds,
      callers.map((c) => c.id),
    );
    const rows = await insertAuditRows(
      orgIds,
      people,
      [],
      LAYOUT.map(([o, t]) => ({
        org: o,
        t,
        action: "key.updated",
        actorLabel: "owner",
        actorUser: null,
        key: null,
      })),
    );
    for (const caller of [0, 1]) {
      const expected = expectedIds(rows, orgIds[caller] as string, () => true, newestBySeq);
      for (const limit of LIMITS) {
        expect(
          await walkAudit(caller, {}, limit, rows.length),
          `caller ${caller}, limit ${limit}`,
        ).toEqual(expected);
      }
    }
  });

  it("GET /api/v1/customers", async () => {
    await clearOrganizations(
      orgIds,
      callers.map((c) => c.id),
    );
    const rows = await insertCustomers(
      orgIds,
      LAYOUT.map(([o, t], i) => ({ org: o, t, id: layoutId(i) })),
    );
    for (const caller of [0, 1]) {
      const expected = expectedIds(rows, orgIds[caller] as string, () => true, newestById);
      for (const limit of LIMITS) {
        expect(
          await walkCustomers(caller, limit, rows.length),
          `caller ${caller}, limit ${limit}`,
        ).toEqual(expected);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Random data in two organizations, every filter, every page size.

const RUNS = { numRuns: 20, endOnFailure: true } as const;
/** A property walks hundreds of pages: more than the default test timeout on a busy machine. */
const SLOW = 180_000;
const sizes = fc.constantFrom(2, 3, 5, 100);
/** Six instants: rows of one key often share one. */
const fewTicks = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom(0, 456))
  .map(([ms, us]) => ms * 1000 + us);

const NAMES = ["Alpha", "alpha beta", "BETA", "50%", "a_b", "ab", "back\\slash", "Caller"];
const keySpec: fc.Arbitrary<KeySpec> = fc.record({
  org,
  t: tick,
  name: fc.constantFrom(...NAMES),
  status: fc.constantFrom("active", "disabled", "revoked"),
  environment: fc.constantFrom("live", "test"),
  expiresInHours: fc.constantFrom(null, -24, 1, 72, 240, 960),
  lastUsed: fc.constant(null),
});
const keyFilterCombo: fc.Arbitrary<KeyFilter> = fc.record(
  {
    status: fc.constantFrom("active", "disabled", "revoked", "expired"),
    environment: fc.constantFrom("live", "test"),
    expiringWithin: fc.constantFrom("2h", "7d", "30d"),
    q: fc.constantFrom("a", "BETA", "%", "_", "\\", "alpha b", "caller"),
  },
  { requiredKeys: [] },
);

describe("every listing, random data in two organizations", () => {
  it(
    "GET /api/v1/api-keys with each filter",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(keySpec, { minLength: 3, maxLength: 14 }),
          keyFilterCombo,
          fc.constantFrom("a", "BETA", "%", "_", "\\", "alpha b", "caller"),
          sizes,
          async (specs, combo, q, size) => {
            await clearOrganizations(
              orgIds,
              callers.map((c) => c.id),
            );
            const rows = [...callers, ...(await insertKeys(orgIds, specs))];
            const filters: KeyFilter[] = [
              {},
              ...(["active", "disabled", "revoked", "expired"] as const).map((status) => ({
                status,
              })),
              ...(["live", "test"] as const).map((environment) => ({ environment })),
              ...(["2h", "7d", "30d"] as const).map((expiringWithin) => ({ expiringWithin })),
              { q },
              combo,
            ];
            for (const caller of [0, 1]) {
              for (const filter of filters) {
                const expected = expectedIds(
                  rows,
                  orgIds[caller] as string,
                  (k) => keyMatches(k, filter),
                  newestById,
                );
                for (const limit of [1, size]) {
                  const got = await walkKeys(caller, filter, limit, rows.length);
                  expect(got, JSON.stringify({ caller, filter, limit })).toEqual(expected);
                }
              }
            }
          },
        ),
        RUNS,
      );
    },
    SLOW,
  );

  it(
    "GET /api/v1/audit-log with each filter",
    async () => {
      const auditSpec: fc.Arbitrary<AuditSpec> = fc.record({
        org,
        t: tick,
        action: fc.constantFrom("key.created", "key.updated", "member.added"),
        actorLabel: fc.constantFrom(
          "owner@example.test",
          "key lk_live_Ab… (CI)",
          "Carolina",
          "50%_x",
        ),
        actorUser: fc.constantFrom(null, 0, 1),
        key: fc.constantFrom(null, 0, 1),
      });
      const instant = tick.map((t) => dateAt(t).toISOString());
      const combo: fc.Arbitrary<AuditFilter> = fc.record(
        {
          keyId: fc.constantFrom(0, 1).map((i) => callers[i]?.id as string),
          actor: fc.constantFrom("car", "DAVE", "%", "_", "lk_live", "o"),
          action: fc.constantFrom("key.created", "key.updated"),
          from: instant,
          to: instant,
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(auditSpec, { minLength: 3, maxLength: 14 }),
          combo,
          fc.constantFrom("car", "DAVE", "%", "_", "lk_live", "o"),
          instant,
          instant,
          sizes,
          async (specs, both, actor, from, to, size) => {
            await clearOrganizations(
              orgIds,
              callers.map((c) => c.id),
            );
            const keyIds = callers.map((c) => c.id);
            const rows = await insertAuditRows(orgIds, people, keyIds, specs);
            const filters: AuditFilter[] = [
              {},
              ...keyIds.map((keyId) => ({ keyId })),
              { actor },
              { action: "key.updated" },
              { from },
              { to },
              { from: BASE_DAY },
              { to: BASE_DAY },
              { to: "2026-05-31" },
              both,
            ];
            for (const caller of [0, 1]) {
              for (const filter of filters) {
                const expected = expectedIds(
                  rows,
                  orgIds[caller] as string,
                  (r) => auditMatches(r, filter),
                  newestBySeq,
                );
                for (const limit of [1, size]) {
                  const got = await walkAudit(caller, filter, limit, rows.length);
                  expect(got, JSON.stringify({ caller, filter, limit })).toEqual(expected);
                }
              }
            }
          },
        ),
        RUNS,
      );
    },
    SLOW,
  );

  it(
    "GET /api/v1/customers",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ org, t: tick }), { minLength: 3, maxLength: 16 }),
          sizes,
          async (specs, size) => {
            await clearOrganizations(
              orgIds,
              callers.map((c) => c.id),
            );
            const rows: TimedRow[] = await insertCustomers(orgIds, specs);
            for (const caller of [0, 1]) {
              const expected = expectedIds(rows, orgIds[caller] as string, () => true, newestById);
              for (const limit of [1, size]) {
                const got = await walkCustomers(caller, limit, rows.length);
                expect(got, JSON.stringify({ caller, limit })).toEqual(expected);
              }
            }
          },
        ),
        RUNS,
      );
    },
    SLOW,
  );

  it(
    "GET /api/v1/api-keys/{id}/webhook-deliveries",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          // Deliveries of either key (at a few instants, so that ties are common) in either organization, including rows whose organization
          // does not own the key: only the caller's organization and that key count.
          fc.array(fc.record({ org, key: fc.constantFrom(0, 1), t: fewTicks }), {
            minLength: 4,
            maxLength: 20,
          }),
          fc.integer({ min: 1, max: 12 }),
          async (specs, limit) => {
            await clearOrganizations(
              orgIds,
              callers.map((c) => c.id),
            );
            const keyIds = callers.map((c) => c.id);
            const rows: DeliveryRow[] = await insertDeliveries(orgIds, keyIds, specs);
            for (const caller of [0, 1]) {
              for (const key of [0, 1]) {
                const keyId = keyIds[key] as string;
                const res = await call(deliveriesRoute, {
                  path: `/api/v1/api-keys/${keyId}/webhook-deliveries?limit=${limit}`,
                  key: callerKeys[caller],
                  params: { id: keyId },
                });
                if (key !== caller) {
                  expect(res.status, "another organization's key").toBe(404);
                  continue;
                }
                expect(res.status).toBe(200);
                const expected = expectedIds(
                  rows,
                  orgIds[caller] as string,
                  (d) => d.keyId === keyId,
                  newestById,
                ).slice(0, limit);
                const got = (res.json.data as { id: string }[]).map((d) => d.id);
                expect(got, JSON.stringify({ caller, key, limit })).toEqual(expected);
              }
            }
          },
        ),
        RUNS,
      );
    },
    SLOW,
  );
});
