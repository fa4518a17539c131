import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { apiKeys, organizations } from "@/db/schema";

function prepareKeyByHash(db: Db) {
  return db
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
    .where(eq(apiKeys.hash, sql.placeholder("hash")))
    .limit(1)
    .prepare("latchkey_key_by_hash");
}

export type KeyByHashRow = Awaited<ReturnType<ReturnType<typeof prepareKeyByHash>["execute"]>>[0];

// Built once per database client: a cache miss runs a server-side prepared statement instead of
// building SQL (and, on postgres.js, an extra describe round trip) on every call.
const prepared = new WeakMap<Db, ReturnType<typeof prepareKeyByHash>>();

/**
 * The verifier's lookup: a key by the SHA-256 of the full key, with its organization's name.
 * Deliberately not org-scoped: the hash is the credential and names its organization.
 */
export async function findKeyByHash(db: Db, hash: string): Promise<KeyByHashRow | null> {
  let statement = prepared.get(db);
  if (!statement) {
    statement = prepareKeyByHash(db);
    prepared.set(db, statement);
  }
  const [row] = await statement.execute({ hash });
  return row ?? null;
}
