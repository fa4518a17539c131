import type { Db } from "@/db";
import { findKeyByHash } from "@/db/queries/verify";
import { parseIpRange } from "@/lib/net/ip";
import type { KeyRecord, KeyStore } from "./ports";

const STATUSES = { active: "active", disabled: "disabled", revoked: "revoked" } as const;
const NO_IPS: KeyRecord["allowedIps"] = Object.freeze([]);

/**
 * Every row brings fresh copies of strings most keys share (organization id and name, scopes);
 * the cache holds tens of thousands of records, so each distinct value is kept once.
 */
class Interner {
  private values = new Map<string, string>();

  get(value: string): string {
    const existing = this.values.get(value);
    if (existing !== undefined) return existing;
    if (this.values.size >= 10_000) this.values = new Map();
    this.values.set(value, value);
    return value;
  }
}

/** Looks keys up by hash in the database: one prepared, indexed query per cache miss. */
export class DbKeyStore implements KeyStore {
  private readonly strings = new Interner();

  constructor(private readonly db: () => Db) {}

  async findByHash(hash: string): Promise<KeyRecord | null> {
    const row = await findKeyByHash(this.db(), hash);
    if (!row) return null;
    const s = this.strings;
    return {
      id: row.id,
      organizationId: s.get(row.organizationId),
      organizationName: s.get(row.organizationName),
      name: row.name,
      environment: row.environment === "live" ? "live" : "test",
      scopes: row.scopes.map((scope) => s.get(scope)),
      status: STATUSES[row.status],
      expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
      ipRestricted: row.allowedIps.length > 0,
      // Entries were validated on write; one that no longer parses matches nothing (fails closed).
      allowedIps:
        row.allowedIps.length === 0
          ? NO_IPS
          : row.allowedIps.flatMap((text) => {
              const range = parseIpRange(text);
              return range ? [range] : [];
            }),
      rateLimitPerMinute: row.rateLimitPerMinute,
    };
  }
}
