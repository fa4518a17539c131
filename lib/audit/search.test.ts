import { describe, expect, it } from "vitest";
import { auditQueryString, csvCell, csvRow, parseAuditSearch } from "./search";

describe("audit search parameters", () => {
  it("falls back to no filter and page 1 on unusable values", () => {
    expect(
      parseAuditSearch({ key: "nope", from: "yesterday", to: "", page: "-3", actor: ["a", "b"] }),
    ).toEqual({
      key: undefined,
      actor: "a",
      action: undefined,
      from: undefined,
      to: undefined,
      page: 1,
    });
  });

  it("keeps good values and writes them back without the page", () => {
    const search = parseAuditSearch({
      key: "0b6f7b4e-1c1a-4b8e-9f57-1a2b3c4d5e6f",
      action: "key.rolled",
      from: "2026-01-01",
      page: "2",
    });
    expect(search.page).toBe(2);
    expect(auditQueryString(search)).toBe(
      "?key=0b6f7b4e-1c1a-4b8e-9f57-1a2b3c4d5e6f&action=key.rolled&from=2026-01-01",
    );
  });
});

describe("CSV cells", () => {
  it.each([
    ['=HYPERLINK("http://evil")', '"\'=HYPERLINK(""http://evil"")"'],
    ["+1", '"\'+1"'],
    ["-2+3", '"\'-2+3"'],
    ["@SUM(A1)", '"\'@SUM(A1)"'],
    ["\tx", '"\'\tx"'],
    ["plain, with comma", '"plain, with comma"'],
    ["line\nbreak", '"line\nbreak"'],
    [null, '""'],
  ])("%j → %s", (input, out) => {
    expect(csvCell(input)).toBe(out);
  });

  it("ends rows with CRLF", () => {
    expect(csvRow(["a", 1])).toBe('"a","1"\r\n');
  });
});
