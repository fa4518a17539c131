import { expect, it } from "vitest";
import { arrayLiteral } from "./array-literal";

it("quotes every string and escapes quotes and backslashes; numbers stay bare", () => {
  expect(arrayLiteral([])).toBe("{}");
  expect(arrayLiteral([1, 20, 300])).toBe("{1,20,300}");
  expect(arrayLiteral(["a", "b,c", "{x}", 'say "hi"', "back\\slash", "", "NULL"])).toBe(
    '{"a","b,c","{x}","say \\"hi\\"","back\\\\slash","","NULL"}',
  );
  // Nested: an array of array literals, as the usage flush sends each bucket's scopes.
  expect(arrayLiteral([arrayLiteral(["customers:read", "keys:verify"]), arrayLiteral([])])).toBe(
    '{"{\\"customers:read\\",\\"keys:verify\\"}","{}"}',
  );
});
