import { describe, expect, it } from "vitest";
import { cursorParam, decodeCursor, encodeCursor } from "./cursor";

describe("keyset cursor", () => {
  const position = { t: "2026-01-02T03:04:05.123456Z", i: "0b6f7b4e-1c1a-4b8e-9f57-1a2b3c4d5e6f" };

  it("round-trips and stays opaque (base64url only)", () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
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
    expect(cursorParam.safeParse(cursor).success).toBe(false);
  });
});
