import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

// The README's typed-client example must keep type-checking against the generated types.
it("the README's openapi-fetch example is the one in scripts/revoke-key.ts", () => {
  const readme = readFileSync("README.md", "utf8");
  const example = readFileSync("scripts/revoke-key.ts", "utf8");
  const block = /```ts\n(\/\/ scripts\/revoke-key\.ts[\s\S]*?)```/.exec(readme)?.[1];
  expect(block?.split("\n").slice(1).join("\n")).toBe(example.split("\n").slice(1).join("\n"));
});
