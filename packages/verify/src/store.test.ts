import { describe, expect, it, vi } from "vitest";
import type { Sql } from "./sql.ts";
import { KEY_BY_HASH, type KeyByHashRow, SqlKeyStore } from "./store.ts";

const row = (patch: Partial<KeyByHashRow> = {}): KeyByHashRow => ({
  id: "k1",
  organization_id: "o1",
  organization_name: "Acme",
  name: "Key",
  environment: "live",
  scopes: ["customers:read"],
  status: "active",
  expires_at: null,
  allowed_ips: [],
  rate_limit_per_minute: null,
  usage_limit: null,
  usage_refill: "never",
  usage_version: 0,
  ...patch,
});

/** A database answering every query with `rows`. */
function database(rows: KeyByHashRow[]) {
  const query = vi.fn(async () => rows);
  const sql = { query, transaction: async () => undefined } as unknown as Sql;
  return { sql, query, answer: (next: KeyByHashRow[]) => query.mockResolvedValue(next) };
}

describe("SqlKeyStore", () => {
  it("looks the hash up with one parameterized statement and answers null for an unknown one", async () => {
    const db = database([]);
    expect(await new SqlKeyStore(() => db.sql).findByHash("h")).toBeNull();
    expect(db.query).toHaveBeenCalledWith(KEY_BY_HASH, ["h"]);
  });

  it("maps a row to the verifier's record", async () => {
    const expiresAt = Date.parse("2030-01-01T00:00:00Z");
    const db = database([
      row({
        environment: "test",
        status: "disabled",
        expires_at: expiresAt,
        scopes: ["customers:read", "customers:write"],
        rate_limit_per_minute: 42,
      }),
    ]);
    const store = new SqlKeyStore(() => db.sql);
    expect(await store.findByHash("h")).toEqual({
      id: "k1",
      organizationId: "o1",
      organizationName: "Acme",
      name: "Key",
      environment: "test",
      scopes: ["customers:read", "customers:write"],
      status: "disabled",
      expiresAt,
      ipRestricted: false,
      allowedIps: [],
      rateLimitPerMinute: 42,
      credits: null,
    });
    db.answer([row({ status: "revoked" })]);
    expect(await store.findByHash("h")).toMatchObject({
      environment: "live",
      status: "revoked",
      expiresAt: null,
    });
  });

  it("carries a usage limit with its refill and version, and never an unknown refill", async () => {
    const db = database([row({ usage_limit: 10, usage_refill: "daily", usage_version: 3 })]);
    const store = new SqlKeyStore(() => db.sql);
    expect((await store.findByHash("h"))?.credits).toEqual({
      limit: 10,
      refill: "daily",
      version: 3,
    });
    db.answer([row({ usage_limit: 5, usage_refill: "weekly" })]);
    expect((await store.findByHash("h"))?.credits).toEqual({
      limit: 5,
      refill: "never",
      version: 0,
    });
  });

  it("parses the allowlist, keeping the key restricted when no entry parses", async () => {
    const db = database([row({ allowed_ips: ["10.0.0.0/8", "nope"] })]);
    const store = new SqlKeyStore(() => db.sql);
    const some = await store.findByHash("h");
    expect(some?.ipRestricted).toBe(true);
    expect(some?.allowedIps.map((r) => r.text)).toEqual(["10.0.0.0/8"]);
    db.answer([row({ allowed_ips: ["nope"] })]);
    expect(await store.findByHash("h")).toMatchObject({ ipRestricted: true, allowedIps: [] });
  });
});
