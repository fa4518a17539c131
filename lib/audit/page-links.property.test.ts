import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AuditSearch, auditQueryString, parseAuditSearch } from "./search";

/** Filter text as the form sends it: trimmed, no control characters, any other character. */
const text = (max: number) =>
  fc
    .string({ unit: "grapheme", minLength: 1, maxLength: max })
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s.length <= max && !/\p{Cc}/u.test(s));

const day = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z") })
  .filter((d) => !Number.isNaN(d.getTime()))
  .map((d) => d.toISOString().slice(0, 10));

const search: fc.Arbitrary<AuditSearch> = fc.record({
  key: fc.option(fc.uuid({ version: 4 }), { nil: undefined }),
  actor: fc.option(text(200), { nil: undefined }),
  action: fc.option(text(64), { nil: undefined }),
  from: fc.option(day, { nil: undefined }),
  to: fc.option(day, { nil: undefined }),
  page: fc.integer({ min: 1, max: 100_000 }),
});

const fromQuery = (query: string) =>
  parseAuditSearch(Object.fromEntries(new URLSearchParams(query.replace(/^\?/, ""))));

describe("the audit log page's links", () => {
  it("every page link keeps every filter, whatever it holds", () => {
    fc.assert(
      fc.property(search, fc.integer({ min: 1, max: 100_000 }), (s, page) => {
        expect(fromQuery(auditQueryString(s, { page: String(page) }))).toEqual({ ...s, page });
      }),
      { numRuns: 300 },
    );
  });

  it("the export link carries the same filters (and no page)", () => {
    fc.assert(
      fc.property(search, (s) => {
        const query = auditQueryString(s);
        expect(new URLSearchParams(query.replace(/^\?/, "")).has("page")).toBe(false);
        expect(fromQuery(query)).toEqual({ ...s, page: 1 });
      }),
      { numRuns: 300 },
    );
  });
});
