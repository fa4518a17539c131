import { afterEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import { findKeyByHash, type KeyByHashRow } from "@/db/queries/verify";
import { DbKeyStore } from "./store";

vi.mock("@/db/queries/verify", () => ({ findKeyByHash: vi.fn() }));

const db = {} as Db;

const row = (patch: Partial<KeyByHashRow> = {}): KeyByHashRow => ({
  id: "k1",
  organizationId: "o1",
  organizationName: "Acme",
  name: "Key",
  environment: "live",
  scopes: ["customers:read"],
  status: "active",
  expiresAt: null,
  allowedIps: [],
  rateLimitPerMinute: null,
  ...patch,
});

afterEach(() => vi.mocked(findKeyByHash).mockReset());

describe("DbKeyStore", () => {
  it("looks the hash up in its database and answers null for an unknown one", async () => {
    vi.mocked(findKeyByHash).mockResolvedValue(null);
    expect(await new DbKeyStore(() => db).findByHash("h")).toBeNull();
    expect(findKeyByHash).toHaveBeenCalledWith(db, "h");
  });

  it("maps a row to the verifier's record", async () => {
    const expiresAt = new Date("2030-01-01T00:00:00Z");
    vi.mocked(findKeyByHash).mockResolvedValue(
      row({
        environment: "test",
        status: "disabled",
        expiresAt,
        scopes: ["customers:read", "customers:write"],
        rateLimitPerMinute: 42,
      }),
    );
    expect(await new DbKeyStore(() => db).findByHash("h")).toEqual({
      id: "k1",
      organizationId: "o1",
      organizationName: "Acme",
      name: "Key",
      environment: "test",
      scopes: ["customers:read", "customers:write"],
      status: "disabled",
      expiresAt: expiresAt.getTime(),
      ipRestricted: false,
      allowedIps: [],
      rateLimitPerMinute: 42,
    });
    vi.mocked(findKeyByHash).mockResolvedValue(row({ status: "revoked" }));
    expect(await new DbKeyStore(() => db).findByHash("h")).toMatchObject({
      environment: "live",
      status: "revoked",
      expiresAt: null,
    });
  });

  it("parses the allowlist, keeping the key restricted when no entry parses", async () => {
    const store = new DbKeyStore(() => db);
    vi.mocked(findKeyByHash).mockResolvedValue(row({ allowedIps: ["10.0.0.0/8", "nope"] }));
    const some = await store.findByHash("h");
    expect(some?.ipRestricted).toBe(true);
    expect(some?.allowedIps.map((r) => r.text)).toEqual(["10.0.0.0/8"]);
    vi.mocked(findKeyByHash).mockResolvedValue(row({ allowedIps: ["nope"] }));
    expect(await store.findByHash("h")).toMatchObject({ ipRestricted: true, allowedIps: [] });
  });
});
