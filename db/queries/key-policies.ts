import { eq } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { DEFAULT_POLICY, type KeyPolicy } from "@/db/key-policy";
import { keyPolicies } from "@/db/schema";

const policyColumns = {
  maxLifetimeDays: keyPolicies.maxLifetimeDays,
  requireAllowedIpsForLive: keyPolicies.requireAllowedIpsForLive,
  disableUnusedAfterDays: keyPolicies.disableUnusedAfterDays,
  leakAction: keyPolicies.leakAction,
};

/** The organization's key policy; an organization that never saved one has the defaults. */
export async function getKeyPolicy(db: Db | Tx, organizationId: string): Promise<KeyPolicy> {
  const [row] = await db
    .select(policyColumns)
    .from(keyPolicies)
    .where(eq(keyPolicies.organizationId, organizationId))
    .limit(1);
  return row ?? DEFAULT_POLICY;
}

/** Every organization whose policy disables idle keys, with the threshold. */
export async function idlePolicies(db: Db | Tx) {
  const rows = await db
    .select({
      organizationId: keyPolicies.organizationId,
      days: keyPolicies.disableUnusedAfterDays,
    })
    .from(keyPolicies);
  return rows.filter((r): r is { organizationId: string; days: number } => r.days !== null);
}

export async function saveKeyPolicy(
  tx: Tx,
  organizationId: string,
  userId: string | null,
  policy: KeyPolicy,
): Promise<void> {
  const values = { ...policy, updatedAt: new Date(), updatedBy: userId };
  await tx
    .insert(keyPolicies)
    .values({ organizationId, ...values })
    .onConflictDoUpdate({ target: keyPolicies.organizationId, set: values });
}
