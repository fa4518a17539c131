import { type UsageBucket, writeUsage as write } from "@latchkey/verify/usage-sql";
import type { Db } from "@/db";
import { sqlOf } from "@/db/sql";

export type { UsageBucket } from "@latchkey/verify/usage-sql";

/**
 * Writes buffered usage in one transaction (the verifier package's flush): counters per minute
 * and per day, each key's "last used", and the rate-limit webhook events.
 */
export async function writeUsage(
  db: Db,
  buckets: readonly UsageBucket[],
  lastUsed: readonly (readonly [keyId: string, at: number])[],
  rateLimited: readonly { keyId: string; minute: number }[] = [],
): Promise<void> {
  await write(sqlOf(db), { buckets, lastUsed, rateLimited });
}
