import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { ensureAuthSecret } from "./auth-secret";

const saved = process.env.AUTH_SECRET;
afterEach(() => {
  process.env.AUTH_SECRET = saved;
});

it("generates a secret once, keeps it private on disk and reuses it", () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "lk-")), "nested");
  delete process.env.AUTH_SECRET;
  const log = vi.fn();
  ensureAuthSecret(dir, log);
  const first = process.env.AUTH_SECRET as string | undefined;
  expect(first?.length).toBeGreaterThanOrEqual(32);
  expect(log).toHaveBeenCalledWith(expect.stringContaining("generated"));
  expect(readFileSync(path.join(dir, "auth-secret"), "utf8").trim()).toBe(first);
  expect(statSync(path.join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
  delete process.env.AUTH_SECRET;
  ensureAuthSecret(dir, log);
  expect(process.env.AUTH_SECRET).toBe(first);
});

it("leaves a configured secret alone", () => {
  process.env.AUTH_SECRET = "x".repeat(40);
  const log = vi.fn();
  ensureAuthSecret("/nonexistent", log);
  expect(process.env.AUTH_SECRET).toBe("x".repeat(40));
  expect(log).not.toHaveBeenCalled();
});
