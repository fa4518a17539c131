import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    reporters: process.env.CI
      ? ["default", ["json", { outputFile: process.env.VITEST_JSON ?? "reports/vitest.json" }]]
      : ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{lib,db,app,components,tests}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{lib,db,app,tests}/**/*.int.test.ts"],
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
