import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { auditRange } from "@/lib/api/audit";
import {
  boundedDate,
  cleanText,
  dateTimeParam,
  dayParam,
  LATEST_DATE,
  plainText,
  textProblem,
} from "./input";

/** What PostgreSQL takes as text and jsonb: no NUL, no lone surrogate. */
const storable = (s: string) => !s.includes("\u0000") && s.isWellFormed();

describe("plainText", () => {
  const name = plainText(z.string().trim().max(64));
  const description = plainText(z.string(), { multiline: true });

  it.each([
    ["a\u0000b", "Remove the control characters."],
    ["\u0000", "Remove the control characters."],
    ["bell\u0007", "Remove the control characters."],
    ["esc\u001b[31m", "Remove the control characters."],
    ["del\u007f", "Remove the control characters."],
    ["c1\u0085", "Remove the control characters."],
    ["tab\tinside", "Remove the control characters."],
    ["line\nbreak", "Remove the control characters."],
    ["lone \ud800 high", "Remove the invalid characters."],
    ["lone \udfff low", "Remove the invalid characters."],
    ["\udc00\ud800", "Remove the invalid characters."],
  ])("refuses %j in a single-line field", (value, message) => {
    const parsed = name.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(message);
  });

  it("keeps tabs and line breaks in multi-line text, and nothing else", () => {
    expect(description.parse("one\r\ntwo\tthree")).toBe("one\r\ntwo\tthree");
    expect(description.safeParse("one\u0000").success).toBe(false);
    expect(description.safeParse("\u000b").success).toBe(false);
    expect(description.safeParse("\ud83d").success).toBe(false);
  });

  it("accepts any other text, emoji (surrogate pairs) included", () => {
    for (const value of ["Stripe prod", "Ünïcödé", "日本語", "emoji 🔑", "' or 1=1 --"]) {
      expect(name.parse(value)).toBe(value);
    }
  });

  it("lets through only strings PostgreSQL stores", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (value) => {
        const multi = description.safeParse(value);
        if (multi.success) expect(storable(multi.data)).toBe(true);
        const single = name.safeParse(value);
        if (single.success)
          expect(/\p{Cc}/u.test(single.data) || !storable(single.data)).toBe(false);
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  it("keeps the schema's own checks and type", () => {
    expect(name.safeParse("x".repeat(65)).success).toBe(false);
    expect(name.parse("  padded  ")).toBe("padded");
    expect(name.safeParse(5).success).toBe(false);
  });
});

describe("cleanText", () => {
  it("removes control characters and lone surrogates, keeps pairs", () => {
    expect(cleanText("https://x.test/\u0000a\ud800b\u0007 🔑")).toBe("https://x.test/ab 🔑");
    expect(cleanText("a\r\nb\tc", { multiline: true })).toBe("a\r\nb\tc");
    expect(cleanText("a\r\nb\tc")).toBe("abc");
  });

  it("always yields storable text that plainText accepts", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (value) => {
        const clean = cleanText(value);
        expect(storable(clean)).toBe(true);
        expect(textProblem(clean)).toBeNull();
        expect(textProblem(cleanText(value, { multiline: true }), { multiline: true })).toBeNull();
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});

describe("dates from outside", () => {
  it.each([
    "0000-01-01",
    "0001-01-01",
    "1999-12-31",
    "2026-02-30",
    "2026-13-01",
    "2026-99-99",
    "10000-01-01",
    "+010000-01-01",
    "2026-1-1",
  ])("refuses the day %s", (value) => {
    expect(dayParam.safeParse(value).success).toBe(false);
  });

  it.each(["2000-01-01", "2024-02-29", "9999-12-31"])("takes the day %s", (value) => {
    expect(dayParam.parse(value)).toBe(value);
  });

  it.each([
    "0000-01-01T00:00:00Z",
    "1999-12-31T23:59:59.999Z",
    "2026-99-99T99:99:99Z",
    "2026-02-30T00:00:00Z",
    "9999-12-31T23:00:00-05:00",
    "+275760-09-13T00:00:00Z",
  ])("refuses the date-time %s", (value) => {
    expect(dateTimeParam.safeParse(value).success).toBe(false);
  });

  it.each(["2000-01-01T00:00:00Z", "2026-06-01T12:00:00+02:00", "9999-12-31T23:59:59.999Z"])(
    "takes the date-time %s",
    (value) => {
      expect(dateTimeParam.parse(value)).toBe(value);
    },
  );

  it("bounds Date values too (a coerced number is no escape)", () => {
    const date = boundedDate(z.coerce.date());
    expect(date.safeParse(8.64e15).success).toBe(false);
    expect(date.safeParse(-1).success).toBe(false);
    expect(date.safeParse("garbage").success).toBe(false);
    expect(date.safeParse("2030-01-01").success).toBe(true);
  });

  it("ends the audit range of 9999-12-31 at a timestamp PostgreSQL reads", () => {
    const { from, to } = auditRange("2000-01-01", "9999-12-31");
    expect(from?.toISOString()).toBe("2000-01-01T00:00:00.000Z");
    expect(to?.getTime()).toBe(LATEST_DATE.getTime());
    expect(to?.toISOString()).toBe("9999-12-31T23:59:59.999Z");
    expect(auditRange(undefined, "2026-01-31").to?.toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });
});
