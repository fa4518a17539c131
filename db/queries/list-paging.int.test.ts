import { inArray } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as exportCsv } from "@/app/(app)/settings/audit-log/export/route";
import { getDb } from "@/db";
import { KEY_STATUS_FILTERS, type KeyListQuery, listKeys } from "@/db/queries/api-keys";
import { type AuditFilters, allAuditEvents, searchAuditLog } from "@/db/queries/audit";
import { listOrgMembers } from "@/db/queries/memberships";
import { memberships } from "@/db/schema";
import { auditFilters, auditQueryString, parseAuditSearch } from "@/lib/audit/search";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createUser } from "@/tests/factories";
import {
  type AuditRow,
  type AuditSpec,
  clearOrganizations,
  collationRanks,
  compare,
  contains,
  dateAt,
  insertAuditRows,
  insertKeys,
  insertMemberships,
  type KeyRow,
  type KeySpec,
  type MemberSpec,
  microsOf,
  org,
  tick,
} from "@/tests/listings";
import { actAs } from "@/tests/request-context";

/**
 * The pages' listings — the keys page (numbered pages with a count), the audit log page and its
 * CSV export, and the members page — over random data in two organizations: every page of every
 * filter, sort and page size holds exactly the organization's matching rows, once, in order.
 */

withTestDatabase();

type Org = Awaited<ReturnType<typeof createOrg>>;
let orgs: Org[];
let orgIds: string[];
let people: { id: string; name: string; email: string }[];

beforeAll(async () => {
  orgs = [await createOrg("Acme"), await createOrg("Rival")];
  orgIds = orgs.map((o) => o.org.id);
  people = [];
  for (const name of ["Carol", "dave_100%", "Erin", "frank", "Gus", "hal"]) {
    people.push(await createUser(name));
  }
});

const RUNS = { numRuns: 20, endOnFailure: true } as const;
/** A property reads hundreds of pages: more than the default test timeout on a busy machine. */
const SLOW = 180_000;

// ---------------------------------------------------------------------------------------------
// The keys page

const NAMES = ["Alpha", "alpha beta", "BETA", "50%", "a_b", "ab", "back\\slash", "Zed"];
const keySpec: fc.Arbitrary<KeySpec> = fc.record({
  org,
  t: tick,
  name: fc.constantFrom(...NAMES),
  status: fc.constantFrom("active", "disabled", "revoked"),
  environment: fc.constantFrom("live", "test"),
  expiresInHours: fc.constantFrom(null, -24, 1, 72, 240, 960),
  lastUsed: fc.option(tick, { nil: null }),
});

type StatusFilter = (typeof KEY_STATUS_FILTERS)[number];

function keyShown(k: KeySpec, status: StatusFilter): boolean {
  const expired = k.expiresInHours !== null && k.expiresInHours <= 0;
  const shown = k.status === "revoked" ? "revoked" : expired ? "expired" : k.status;
  if (status === "all") return true;
  if (status === "expiring") {
    return (
      k.status !== "revoked" && !expired && k.expiresInHours !== null && k.expiresInHours <= 168
    );
  }
  return shown === status;
}

/** The keys page's orders, each total: created (id the other way), name and last used (nulls last). */
function keyOrder(sort: KeyListQuery["sort"], dir: "asc" | "desc", names: Map<string, number>) {
  const sign = dir === "asc" ? 1 : -1;
  return (a: KeyRow, b: KeyRow) => {
    if (sort === "name") {
      const byName = ((names.get(a.name) ?? 0) - (names.get(b.name) ?? 0)) * sign;
      return byName || compare([a.id], [b.id]) * sign;
    }
    if (sort === "last_used") {
      if (a.lastUsed === null || b.lastUsed === null) {
        if (a.lastUsed !== b.lastUsed) return a.lastUsed === null ? 1 : -1;
      } else if (a.lastUsed !== b.lastUsed) return (a.lastUsed - b.lastUsed) * sign;
      return compare([a.id], [b.id]) * sign;
    }
    return (a.t - b.t) * sign || compare([b.id], [a.id]) * sign;
  };
}

describe("the keys page", () => {
  it(
    "every page of every status filter, search, sort and page size",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(keySpec, { minLength: 3, maxLength: 14 }),
          fc.constantFrom("", "a", "BETA", "%", "_", "\\", "alpha b"),
          fc.constantFrom("created", "name", "last_used"),
          fc.constantFrom("asc", "desc", undefined),
          fc.constantFrom(2, 3, 20),
          async (specs, q, sort, dir, size) => {
            await clearOrganizations(orgIds);
            const rows = await insertKeys(orgIds, specs);
            const names = await collationRanks(rows.map((r) => r.name));
            for (const caller of [0, 1]) {
              for (const status of KEY_STATUS_FILTERS) {
                for (const query of [{ status }, { status, q, sort, dir }] as KeyListQuery[]) {
                  const by = query.sort ?? "created";
                  const expected = rows
                    .filter(
                      (k) =>
                        k.org === caller &&
                        keyShown(k, status) &&
                        (!query.q || contains(k.name, query.q)),
                    )
                    .sort(keyOrder(by, query.dir ?? (by === "name" ? "asc" : "desc"), names))
                    .map((k) => k.id);
                  for (const pageSize of [1, size]) {
                    const seen: string[] = [];
                    for (let page = 1; ; page++) {
                      expect(page).toBeLessThanOrEqual(rows.length + 1);
                      const got = await listKeys(getDb(), orgIds[caller] as string, {
                        ...query,
                        page,
                        size: pageSize,
                      });
                      const label = JSON.stringify({ caller, query, pageSize, page });
                      expect(got.total, label).toBe(expected.length);
                      expect(got.capped, label).toBe(false);
                      expect(got.rows.length, label).toBe(
                        Math.max(0, Math.min(pageSize, expected.length - (page - 1) * pageSize)),
                      );
                      expect(got.hasNext, label).toBe(page * pageSize < expected.length);
                      seen.push(...got.rows.map((r) => r.id));
                      if (!got.hasNext) break;
                    }
                    expect(seen, JSON.stringify({ caller, query, pageSize })).toEqual(expected);
                  }
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
});

// ---------------------------------------------------------------------------------------------
// The audit log page and its CSV export

const auditSpec: fc.Arbitrary<AuditSpec> = fc.record({
  org,
  t: tick,
  action: fc.constantFrom("key.created", "key.updated", "member.added"),
  actorLabel: fc.constantFrom("owner@example.test", "key lk_live_Ab… (CI)", "Carolina", "50%_x"),
  actorUser: fc.constantFrom(null, 0, 1),
  key: fc.constantFrom(null, 0, 1),
});

function auditMatches(r: AuditRow, f: AuditFilters): boolean {
  if (f.keyId && r.keyId !== f.keyId) return false;
  if (f.actor && !contains(r.actorLabel, f.actor) && !contains(r.actorName, f.actor)) return false;
  if (f.action && r.action !== f.action) return false;
  if (f.from && r.t < microsOf(f.from)) return false;
  if (f.to && r.t >= microsOf(f.to)) return false;
  return true;
}

const newestFirst = (a: AuditRow, b: AuditRow) => b.seq - a.seq;
const oldestFirst = (a: AuditRow, b: AuditRow) => a.seq - b.seq;

/** The audit log's query strings: what the page's filter form sends (whole days). */
type Search = { key?: number; actor?: string; action?: string; from?: string; to?: string };
const searchParams: fc.Arbitrary<Search> = fc.record(
  {
    key: fc.constantFrom(0, 1),
    actor: fc.constantFrom("car", "DAVE", "%", "_", "lk_live", "o"),
    action: fc.constantFrom("key.created", "key.updated"),
    from: fc.constantFrom("2026-05-31", "2026-06-01", "2026-06-02"),
    to: fc.constantFrom("2026-05-31", "2026-06-01", "2026-06-02"),
  },
  { requiredKeys: [] },
);

/** Filters with instants inside the generated times (millisecond bounds around microsecond rows). */
type Precise = Omit<AuditFilters, "keyId"> & { keyId?: number };
const preciseFilters: fc.Arbitrary<Precise> = fc.record(
  {
    keyId: fc.constantFrom(0, 1),
    actor: fc.constantFrom("car", "DAVE", "%", "_", "lk_live", "o"),
    action: fc.constantFrom("key.created", "key.updated"),
    from: tick.map(dateAt),
    to: tick.map(dateAt),
  },
  { requiredKeys: [] },
);

/** Two keys (one per organization) for audit rows to be about; rows of either org name either. */
let auditKeyIds: string[];
const withKey = ({ key, ...rest }: Search) =>
  key === undefined ? rest : { ...rest, key: auditKeyIds[key] };
const withKeyId = ({ keyId, ...rest }: Precise): AuditFilters =>
  keyId === undefined ? rest : { ...rest, keyId: auditKeyIds[keyId] };

async function seedAudit(specs: readonly AuditSpec[]) {
  await clearOrganizations(orgIds);
  const keys = await insertKeys(
    orgIds,
    [0, 1].map((o) => ({
      org: o,
      t: 0,
      name: `audited ${o}`,
      status: "active" as const,
      environment: "live" as const,
      expiresInHours: null,
      lastUsed: null,
    })),
  );
  auditKeyIds = keys.map((k) => k.id);
  return insertAuditRows(orgIds, people, auditKeyIds, specs);
}

describe("the audit log page", () => {
  it(
    "every numbered page of every filter and page size",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(auditSpec, { minLength: 3, maxLength: 14 }),
          fc.array(searchParams, { maxLength: 3 }),
          fc.array(preciseFilters, { maxLength: 3 }),
          fc.constantFrom(2, 3, 50),
          async (specs, searches, precise, size) => {
            const rows = await seedAudit(specs);
            const filters: AuditFilters[] = [
              {},
              ...auditKeyIds.map((keyId) => ({ keyId })),
              ...searches.map((p) => auditFilters(parseAuditSearch(withKey(p)))),
              ...precise.map(withKeyId),
            ];
            for (const caller of [0, 1]) {
              for (const filter of filters) {
                const expected = rows
                  .filter((r) => r.org === caller && auditMatches(r, filter))
                  .sort(newestFirst)
                  .map((r) => r.id);
                for (const pageSize of [1, size]) {
                  const seen: string[] = [];
                  for (let page = 1; ; page++) {
                    expect(page).toBeLessThanOrEqual(rows.length + 1);
                    const got = await searchAuditLog(getDb(), orgIds[caller] as string, filter, {
                      page,
                      size: pageSize,
                    });
                    const label = JSON.stringify({ caller, filter, pageSize, page });
                    expect(got.total, label).toBe(expected.length);
                    seen.push(...got.rows.map((r) => r.id));
                    if (page * pageSize >= got.total) break;
                  }
                  expect(seen, JSON.stringify({ caller, filter, pageSize })).toEqual(expected);
                }
                // The export reads the same rows oldest first, in batches of any size.
                for (const batch of [1, 2, 1000]) {
                  const exported: string[] = [];
                  for await (const part of allAuditEvents(
                    getDb(),
                    orgIds[caller] as string,
                    filter,
                    batch,
                  )) {
                    expect(part.length).toBeLessThanOrEqual(batch);
                    exported.push(...part.map((r) => r.id));
                  }
                  expect(exported, JSON.stringify({ caller, filter, batch })).toEqual(
                    [...expected].reverse(),
                  );
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
    "the CSV export holds the member's organization's matching rows, oldest first",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(auditSpec, { minLength: 3, maxLength: 14 }),
          fc.constantFrom(0, 1),
          searchParams,
          async (specs, caller, params) => {
            const rows = await seedAudit(specs);
            const search = parseAuditSearch(withKey(params));
            const filter = auditFilters(search);
            actAs(orgs[caller]?.owner.id ?? null, orgIds[caller]);
            const res = await exportCsv(
              new Request(
                `http://localhost/settings/audit-log/export${auditQueryString(search) || "?"}`,
              ),
            );
            expect(res.status).toBe(200);
            const lines = (await res.text()).trimEnd().split("\r\n").slice(1);
            const exported = lines.map((line) => Number(/""row"":(\d+)/.exec(line)?.[1]));
            const expected = rows
              .filter((r) => r.org === caller && auditMatches(r, filter))
              .sort(oldestFirst)
              .map((r) => r.row);
            expect(exported, JSON.stringify({ caller, params })).toEqual(expected);
          },
        ),
        RUNS,
      );
    },
    SLOW,
  );

  it("the CSV export's batches: rows of both organizations interleaved across 1,000-row batches", async () => {
    const rows = await seedAudit(
      Array.from({ length: 2600 }, (_, i) => ({
        org: i % 5 === 2 ? 1 : 0,
        t: i % 7,
        action: "key.updated",
        actorLabel: "owner",
        actorUser: null,
        key: null,
      })),
    );
    for (const caller of [0, 1]) {
      actAs(orgs[caller]?.owner.id ?? null, orgIds[caller]);
      const res = await exportCsv(new Request("http://localhost/settings/audit-log/export"));
      const exported = (await res.text())
        .trimEnd()
        .split("\r\n")
        .slice(1)
        .map((line) => Number(/""row"":(\d+)/.exec(line)?.[1]));
      const expected = rows
        .filter((r) => r.org === caller)
        .sort(oldestFirst)
        .map((r) => r.row);
      expect(expected.length).toBeGreaterThan(caller === 0 ? 2000 : 500);
      expect(exported).toEqual(expected);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The members page

describe("the members page", () => {
  it(
    "lists exactly the organization's members, oldest membership first",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record<MemberSpec>({ org, user: fc.integer({ min: 0, max: 5 }), t: tick }), {
            maxLength: 12,
          }),
          async (specs) => {
            await getDb().delete(memberships).where(inArray(memberships.organizationId, orgIds));
            const made = await insertMemberships(orgIds, people, specs);
            const emails = await collationRanks(people.map((p) => p.email));
            for (const caller of [0, 1]) {
              const expected = made
                .filter((m) => m.org === caller)
                .sort(
                  (a, b) =>
                    a.t - b.t ||
                    (emails.get(people[a.user]?.email ?? "") ?? 0) -
                      (emails.get(people[b.user]?.email ?? "") ?? 0),
                )
                .map((m) => people[m.user]?.id);
              const got = await listOrgMembers(getDb(), orgIds[caller] as string);
              expect(
                got.map((m) => m.userId),
                JSON.stringify({ caller }),
              ).toEqual(expected);
            }
          },
        ),
        RUNS,
      );
      // Give the organizations their owners back for the tests that sign in as them.
      await getDb().delete(memberships).where(inArray(memberships.organizationId, orgIds));
      for (const [i, o] of orgs.entries()) {
        await getDb()
          .insert(memberships)
          .values({ organizationId: orgIds[i] as string, userId: o.owner.id, role: "owner" });
      }
    },
    SLOW,
  );
});
