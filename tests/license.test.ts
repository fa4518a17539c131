import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { openApiDocument } from "@/lib/api/operations";

const read = (file: string) => readFileSync(path.join(process.cwd(), file), "utf8");

it("is Apache-2.0 everywhere: LICENSE, package.json and the OpenAPI document", () => {
  expect(read("LICENSE")).toContain(
    "Apache License\n                           Version 2.0, January 2004",
  );
  expect((JSON.parse(read("package.json")) as { license?: string }).license).toBe("Apache-2.0");
  expect(openApiDocument().info.license).toEqual({ name: "Apache-2.0", identifier: "Apache-2.0" });
});
