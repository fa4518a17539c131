import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { apiKeys, organizations } from "@/db/schema";
import { parseIpRange } from "@/lib/net/ip";
import type { KeyRecord, KeyStore } from "./ports";

/** Looks keys up by hash in the database: one indexed query per cache miss. */
export class DbKeyStore implements KeyStore {
  constructor(private readonly db: () => Db) {}

  async findByHash(hash: string): Promise<KeyRecord | null> {
    const [row] = await this.db()
      .select({
        id: apiKeys.id,
        organizationId: apiKeys.organizationId,
        organizationName: organizations.name,
        name: apiKeys.name,
        environment: apiKeys.environment,
        scopes: apiKeys.scopes,
        status: apiKeys.status,
        expiresAt: apiKeys.expiresAt,
        allowedIps: apiKeys.allowedIps,
        rateLimitPerMinute: apiKeys.rateLimitPerMinute,
      })
      .from(apiKeys)
      .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
      .where(eq(apiKeys.hash, hash))
      .limit(1);
    if (!row) return null;
    return {
      ...row,
      expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
      ipRestricted: row.allowedIps.length > 0,
      // Entries were validated on write; one that no longer parses matches nothing (fails closed).
      allowedIps: row.allowedIps.flatMap((text) => {
        const range = parseIpRange(text);
        return range ? [range] : [];
      }),
    };
  }
}
