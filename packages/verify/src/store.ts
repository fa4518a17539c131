import type { UsageRefill } from "./credits/period.ts";
import { parseIpRange } from "./ip.ts";
import type { KeyRecord, KeyStore } from "./ports.ts";
import type { Sql } from "./sql.ts";

const STATUSES = { active: "active", disabled: "disabled", revoked: "revoked" } as const;
const REFILLS: Record<string, UsageRefill> = { daily: "daily", monthly: "monthly" };
const NO_IPS: KeyRecord["allowedIps"] = Object.freeze([]);

/**
 * The verifier's lookup: a key by the SHA-256 of the full key, with its organization's name.
 * Deliberately not scoped by organization: the hash is the credential and names its organization.
 * Times come back as epoch milliseconds, so every driver returns the same JavaScript types.
 */
export const KEY_BY_HASH = `select k.id::text as id, k.organization_id::text as organization_id,
  o.name as organization_name, k.name, k.environment::text as environment, k.scopes,
  k.status::text as status, (extract(epoch from k.expires_at) * 1000)::float8 as expires_at,
  k.allowed_ips, k.rate_limit_per_minute, k.usage_limit, k.usage_refill::text as usage_refill,
  k.usage_version
from api_keys k join organizations o on o.id = k.organization_id
where k.hash = $1
limit 1`;

export type KeyByHashRow = {
  id: string;
  organization_id: string;
  organization_name: string;
  name: string;
  environment: string;
  scopes: string[];
  status: keyof typeof STATUSES;
  expires_at: number | null;
  allowed_ips: string[];
  rate_limit_per_minute: number | null;
  usage_limit: number | null;
  usage_refill: string;
  usage_version: number;
};

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

/** Looks keys up by hash in Latchkey's database: one prepared, indexed query per cache miss. */
export class SqlKeyStore implements KeyStore {
  private readonly strings = new Interner();

  constructor(private readonly sql: () => Sql) {}

  async findByHash(hash: string): Promise<KeyRecord | null> {
    const [row] = await this.sql().query<KeyByHashRow>(KEY_BY_HASH, [hash]);
    return row ? this.toRecord(row) : null;
  }

  toRecord(row: KeyByHashRow): KeyRecord {
    const s = this.strings;
    return {
      id: row.id,
      organizationId: s.get(row.organization_id),
      organizationName: s.get(row.organization_name),
      name: row.name,
      environment: row.environment === "live" ? "live" : "test",
      scopes: row.scopes.map((scope) => s.get(scope)),
      status: STATUSES[row.status],
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      ipRestricted: row.allowed_ips.length > 0,
      // Entries were validated on write; one that no longer parses matches nothing (fails closed).
      allowedIps:
        row.allowed_ips.length === 0
          ? NO_IPS
          : row.allowed_ips.flatMap((text) => {
              const range = parseIpRange(text);
              return range ? [range] : [];
            }),
      rateLimitPerMinute: row.rate_limit_per_minute,
      credits:
        row.usage_limit === null
          ? null
          : {
              limit: row.usage_limit,
              refill: REFILLS[row.usage_refill] ?? "never",
              version: row.usage_version,
            },
    };
  }
}
