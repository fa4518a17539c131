import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditQueryString, csvCell, csvRow, parseAuditExport, parseAuditSearch } from "./search";

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

  it.each(["=", "+", "-", "@", "\t", "\r"])(
    "escapes a cell starting with %j, alone or followed by a formula",
    (lead) => {
      expect(csvCell(lead)).toBe(`"'${lead}"`);
      expect(csvCell(`${lead}cmd|' /C calc'!A0`)).toBe(`"'${lead}cmd|' /C calc'!A0"`);
      expect(csvCell(`${lead}"x"`)).toBe(`"'${lead}""x"""`);
    },
  );

  it("leaves a dangerous character alone when it is not first", () => {
    expect(csvCell("a=b")).toBe('"a=b"');
    expect(csvCell("x\r=1")).toBe('"x\r=1"');
    expect(csvCell(" =1")).toBe('" =1"');
  });

  it("quotes every cell and doubles its quotes", () => {
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('"')).toBe('""""');
    expect(csvCell("a,b\r\nc")).toBe('"a,b\r\nc"');
    expect(csvCell(0)).toBe('"0"');
    expect(csvCell(undefined)).toBe('""');
    expect(csvRow(['"', "=1", null])).toBe('"""","\'=1",""\r\n');
  });

  it("any text is one quoted cell that a spreadsheet reads back as text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), (text) => {
        const cell = csvCell(text);
        expect(cell.startsWith('"') && cell.endsWith('"')).toBe(true);
        const inner = cell.slice(1, -1);
        expect(inner.replaceAll('""', "")).not.toContain('"');
        const value = inner.replaceAll('""', '"');
        expect(value).not.toMatch(/^[=+\-@\t\r]/);
        expect(value === text || value === `'${text}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});

describe("hostile audit search parameters", () => {
  const hostile = {
    key: "\u0000",
    actor: "a\u0000b",
    action: "\ud800",
    from: "0000-01-01",
    to: "10000-01-01",
  };

  it("fall back to no filter on the page", () => {
    expect(parseAuditSearch(hostile)).toEqual({
      key: undefined,
      actor: undefined,
      action: undefined,
      from: undefined,
      to: undefined,
      page: 1,
    });
    for (const [from, to] of [
      ["1999-12-31", "2026-02-30"],
      ["2026-99-99", "9999-12-32"],
    ]) {
      expect(parseAuditSearch({ from, to })).toMatchObject({ from: undefined, to: undefined });
    }
    expect(parseAuditSearch({ from: "2000-01-01", to: "9999-12-31" })).toMatchObject({
      from: "2000-01-01",
      to: "9999-12-31",
    });
  });

  it("are refused, each named, by the export (which must not export more than asked)", () => {
    expect(parseAuditExport(hostile)).toEqual({
      ok: false,
      fields: ["key", "actor", "action", "from", "to"],
    });
    expect(parseAuditExport({ from: ["2026-01-01", "0000-01-01"] })).toMatchObject({ ok: true });
    expect(parseAuditExport({ actor: "owner", from: "", page: "x" })).toEqual({
      ok: true,
      search: {
        key: undefined,
        actor: "owner",
        action: undefined,
        from: undefined,
        to: undefined,
        page: 1,
      },
    });
  });
});
