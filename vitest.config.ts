import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@latchkey\/verify$/,
        replacement: path.resolve(root, "packages/verify/src/index.ts"),
      },
      {
        find: /^@latchkey\/verify\/(.*)$/,
        replacement: path.resolve(root, "packages/verify/src/$1.ts"),
      },
      { find: /^@\//, replacement: `${root}/` },
    ],
  },
  test: {
    reporters: process.env.CI
      ? ["default", ["json", { outputFile: process.env.VITEST_JSON ?? "reports/vitest.json" }]]
      : ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{lib,db,app,components,tests,packages}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**", "packages/*/dist/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{lib,db,app,tests,packages}/**/*.int.test.ts"],
          globalSetup: ["tests/global-setup.ts"],
          setupFiles: ["tests/setup-integration.ts"],
          pool: "forks",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
