import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor";

const date = fc.date({
  min: new Date("1970-01-01T00:00:00Z"),
  max: new Date("9999-12-31T23:59:59Z"),
  noInvalidDate: true,
});
const uuid = fc.uuid({ version: [1, 2, 3, 4, 5, 7] });

// A hundred generated cases per property: on a busy shared machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

describe("cursor codec (properties)", () => {
  it("decodes what it encodes", () => {
    fc.assert(
      fc.property(date, uuid, (createdAt, id) => {
        expect(decodeCursor(encodeCursor({ createdAt, id }))).toEqual({ createdAt, id });
      }),
    );
  });

  it("encodes to URL-safe text with no padding", () => {
    fc.assert(
      fc.property(date, uuid, (createdAt, id) => {
        expect(encodeCursor({ createdAt, id })).toMatch(/^[A-Za-z0-9_-]+$/);
      }),
    );
  });

  it("never throws on arbitrary input, and whatever it accepts re-encodes to a token that decodes the same", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.base64String({ maxLength: 200 }),
          fc.json().map((j) => Buffer.from(j).toString("base64url")),
        ),
        (token) => {
          const cursor = decodeCursor(token);
          if (cursor) expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
        },
      ),
    );
  });

  it("refuses a token with any extra field, a bad id or a bad date", () => {
    const t = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const id = "00000000-0000-4000-8000-000000000000";
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue(), (key, value) => {
        fc.pre(key !== "t" && key !== "id");
        expect(decodeCursor(t({ t: "2024-01-01T00:00:00.000Z", id, [key]: value }))).toBeNull();
      }),
    );
    expect(decodeCursor(t({ t: "2024-01-01T00:00:00.000Z", id: "x" }))).toBeNull();
    expect(decodeCursor(t({ t: "2024-02-30T00:00:00.000Z", id }))).toBeNull();
    expect(decodeCursor(t({ t: "yesterday", id }))).toBeNull();
  });
});
