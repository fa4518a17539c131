import type { Db } from "@/db";
import { findKeyByHash } from "@/db/queries/verify";
import { parseIpRange } from "@/lib/ip";
import type { KeyRecord, KeyStore } from "./types";

/** Looks keys up by hash in the database: one prepared, indexed query per cache miss. */
export class DbKeyStore implements KeyStore {
  constructor(private readonly db: () => Db) {}

  async findByHash(hash: string): Promise<KeyRecord | null> {
    const row = await findKeyByHash(this.db(), hash);
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
