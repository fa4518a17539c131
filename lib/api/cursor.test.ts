import { describe, expect, it } from "vitest";
import { cursorParam, decodeCursor, encodeCursor } from "./cursor";

const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("keyset cursor", () => {
  const position = { t: "2026-01-02T03:04:05.123456Z", i: "0b6f7b4e-1c1a-4b8e-9f57-1a2b3c4d5e6f" };

  it("round-trips and stays opaque (base64url only)", () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
    expect(decodeCursor(cursor, "uuid")).toEqual(position);
    expect(cursorParam("uuid").parse(cursor)).toEqual(position);
    const seq = { t: "2026-01-02T03:04:05Z", i: "123" };
    expect(cursorParam("seq").parse(encodeCursor(seq))).toEqual(seq);
  });

  it.each([
    "",
    "not base64!",
    Buffer.from("{}").toString("base64url"),
    Buffer.from("[1,2]").toString("base64url"),
    Buffer.from('{"t":"yesterday","i":"x"}').toString("base64url"),
    encodeCursor({ ...position, i: "1; drop table api_keys" }),
    Buffer.from(JSON.stringify({ ...position, extra: 1 })).toString("base64url"),
    "A".repeat(401),
  ])("refuses %j", (cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
    expect(cursorParam("uuid").safeParse(cursor).success).toBe(false);
    expect(cursorParam("seq").safeParse(cursor).success).toBe(false);
  });

  it.each([
    "2026-99-99T99:99:99Z",
    "2026-02-30T00:00:00Z",
    "2026-02-28T24:00:00Z",
    "2026-01-01T23:60:00Z",
    "2026-01-01T23:59:60Z",
    "0000-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "+10000-01-01T00:00:00Z",
  ])("refuses the impossible or out-of-range time %s", (t) => {
    expect(decodeCursor(forge({ ...position, t }))).toBeNull();
    expect(decodeCursor(forge({ t, i: "7" }))).toBeNull();
  });

  it("accepts a leap day and the last microsecond of 9999", () => {
    for (const t of ["2024-02-29T00:00:00Z", "9999-12-31T23:59:59.999999Z"]) {
      expect(decodeCursor(forge({ ...position, t }))).toEqual({ ...position, t });
    }
  });

  it("takes only the id kind the list is ordered on", () => {
    const numeric = forge({ t: position.t, i: "123" });
    expect(cursorParam("uuid").safeParse(numeric).success).toBe(false);
    expect(cursorParam("seq").safeParse(encodeCursor(position)).success).toBe(false);
    for (const i of ["-1", "1.5", "1e3", "9".repeat(19), "18446744073709551616"]) {
      expect(cursorParam("seq").safeParse(forge({ t: position.t, i })).success, i).toBe(false);
    }
  });
});
