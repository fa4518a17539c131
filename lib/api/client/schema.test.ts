import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { API_TYPES_FILE, apiTypes } from "./generate";

it("the committed client types match the OpenAPI document (run `npm run api:types`)", async () => {
  expect(readFileSync(API_TYPES_FILE, "utf8")).toBe(await apiTypes());
});
