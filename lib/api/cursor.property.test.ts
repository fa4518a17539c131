import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, type Keyset } from "./cursor";

/** A row position as PostgreSQL prints it: a UTC timestamp with 0–6 fractional digits. */
const timestamp = fc
  .tuple(
    fc.date({
      min: new Date("1970-01-01T00:00:00Z"),
      max: new Date("9999-12-31T23:59:59Z"),
      noInvalidDate: true,
    }),
    fc.stringMatching(/^(\.\d{1,6})?$/),
  )
  .map(([d, fraction]) => `${d.toISOString().slice(0, 19)}${fraction}Z`);
const keyset: fc.Arbitrary<Keyset> = fc.record({
  t: timestamp,
  i: fc.oneof(fc.uuid({ version: 4 }), fc.stringMatching(/^\d{1,18}$/)),
});

describe("cursor codec", () => {
  it("round-trips every position a page can end on", () => {
    fc.assert(
      fc.property(keyset, (position) => {
        const cursor = encodeCursor(position);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(cursor)).toEqual(position);
      }),
    );
  });

  it("never throws on any input, and yields either null or a well-formed position", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (text) => {
        const decoded = decodeCursor(text);
        if (decoded !== null) expect(decodeCursor(encodeCursor(decoded))).toEqual(decoded);
      }),
    );
  });

  it("refuses any other JSON (extra fields, wrong types, SQL in a field), however it is encoded", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          keyset.chain((k) =>
            fc
              .dictionary(fc.string({ minLength: 1 }), fc.jsonValue(), { minKeys: 1 })
              .map((extra) => ({ ...extra, ...k, [`x${Object.keys(extra)[0]}`]: 1 })),
          ),
          keyset.map((k) => ({ ...k, i: `${k.i}' or 1=1 --` })),
          keyset.map((k) => ({ ...k, t: `${k.t}; drop table api_keys` })),
        ),
        (value) => {
          const cursor = Buffer.from(JSON.stringify(value) ?? "null").toString("base64url");
          expect(decodeCursor(cursor)).toBeNull();
        },
      ),
    );
  });
});
