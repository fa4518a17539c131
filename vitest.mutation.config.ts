import { defineConfig } from "vitest/config";
import base from "./vitest.config";

// For mutation runs: the same projects, with room for a machine busy running mutants.
const slow = { testTimeout: 120_000, hookTimeout: 180_000 };
const projects = (base.test?.projects ?? []) as { test?: Record<string, unknown> }[];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    reporters: ["default"],
    projects: projects.map((p) => ({ ...p, test: { ...p.test, ...slow } })) as never,
  },
});
