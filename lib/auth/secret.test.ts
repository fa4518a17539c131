import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it, vi } from "vitest";
import { loadOrCreateAuthSecret } from "./secret";

it("generates a secret once, keeps it private on disk and reuses it", () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "lk-")), "nested");
  const log = vi.fn();
  const first = loadOrCreateAuthSecret(dir, log);
  expect(first.length).toBeGreaterThanOrEqual(32);
  expect(log).toHaveBeenCalledWith(expect.stringContaining("generated"));
  expect(readFileSync(path.join(dir, "auth-secret"), "utf8").trim()).toBe(first);
  expect(statSync(path.join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
  expect(loadOrCreateAuthSecret(dir, log)).toBe(first);
  expect(log).toHaveBeenLastCalledWith(expect.stringContaining("using the one saved"));
});
