import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";

const start = (env: Record<string, string>) =>
  spawnSync(process.execPath, ["--import", "tsx", "server.ts"], {
    env: { ...process.env, PORT: "0", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });

it("refuses to start with a bad DATABASE_URL, naming the variable", () => {
  const result = start({ DATABASE_URL: "mysql://root@localhost/db" });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("DATABASE_URL: must be a postgres:// or postgresql:// URL");
});

it("refuses to start with a malformed TRUSTED_PROXIES entry", () => {
  const result = start({ TRUSTED_PROXIES: "10.0.0.0/8, not-an-ip" });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("TRUSTED_PROXIES has invalid entries: not-an-ip");
});
