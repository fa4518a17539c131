import { expect, it } from "vitest";
import { decodeCursor, encodeCursor, pageLimit } from "./cursor";

it("round-trips a cursor and refuses ones it did not issue", () => {
  const row = { createdAt: new Date("2026-01-02T03:04:05.006Z"), id: crypto.randomUUID() };
  expect(decodeCursor(encodeCursor(row))).toEqual(row);
  expect(decodeCursor("garbage")).toBeNull();
  expect(decodeCursor(Buffer.from("2026-01-01|not-a-uuid").toString("base64url"))).toBeNull();
  expect(decodeCursor(Buffer.from(`nope|${row.id}`).toString("base64url"))).toBeNull();
});

it("clamps the page size", () => {
  expect(pageLimit(null)).toBe(50);
  expect(pageLimit("abc")).toBe(50);
  expect(pageLimit("0")).toBe(50);
  expect(pageLimit("-5")).toBe(1);
  expect(pageLimit("1000")).toBe(100);
  expect(pageLimit("20")).toBe(20);
});
