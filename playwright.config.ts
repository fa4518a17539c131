import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["json", { outputFile: "reports/e2e.json" }]] : "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    permissions: ["clipboard-read", "clipboard-write"],
    launchOptions: {
      // Debian's Chromium: Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
      ],
    },
  },
  projects: [
    // Signs up one user per worker and keeps their session for the specs (e2e/fixtures.ts).
    { name: "setup", testMatch: /.*\.setup\.ts/, use: { browserName: "chromium" } },
    { name: "chromium", use: { browserName: "chromium" }, dependencies: ["setup"] },
  ],
  webServer: {
    // A production build on its own data directory (or DATABASE_URL's database when set).
    command: "rm -rf .data/e2e && npm run build && npm start",
    url: `${baseURL}/sign-in`,
    timeout: 600_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      DATA_DIR: ".data/e2e",
      USAGE_FLUSH_MS: process.env.USAGE_FLUSH_MS ?? "1000",
      NEXT_TELEMETRY_DISABLED: "1",
      // Every spec signs up from 127.0.0.1; the throttle itself is tested on its own server.
      ACCOUNT_WRITES_PER_HOUR: "100000",
      MEMBER_ADDS_PER_HOUR: "100000",
      // The specs' webhook receivers listen on 127.0.0.1 over plain http.
      WEBHOOKS_ALLOW_PRIVATE: "true",
    },
  },
});
