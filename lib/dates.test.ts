import { expect, it } from "vitest";
import { formatDate, formatRelative } from "./dates";

it("formats relative times", () => {
  const now = new Date("2026-01-10T12:00:00Z");
  expect(formatRelative(new Date("2026-01-10T11:59:58Z"), now)).toBe("just now");
  expect(formatRelative(new Date("2026-01-10T11:59:30Z"), now)).toBe("30 seconds ago");
  expect(formatRelative(new Date("2026-01-10T11:55:00Z"), now)).toBe("5 minutes ago");
  expect(formatRelative(new Date("2026-01-09T12:00:00Z"), now)).toBe("yesterday");
  expect(formatRelative(new Date("2026-01-17T12:00:00Z"), now)).toBe("next week");
  expect(formatDate(now)).toBe("Jan 10, 2026");
});
