import { defineConfig } from "vitest/config";
import base from "./vitest.config";

// For mutation runs: the same projects, with room for a machine busy running mutants. Tests that
// compare generated files with committed ones are left out: instrumented sources change them.
const slow = { testTimeout: 120_000, hookTimeout: 180_000 };
const generated = ["lib/api/client/schema.test.ts", "lib/api/openapi.int.test.ts"];
const projects = (base.test?.projects ?? []) as { test?: Record<string, unknown> }[];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    reporters: ["default"],
    projects: projects.map((p) => ({
      ...p,
      test: {
        ...p.test,
        ...slow,
        exclude: [...((p.test?.exclude as string[]) ?? ["node_modules/**"]), ...generated],
      },
    })) as never,
  },
});
