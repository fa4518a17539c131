import type { Db } from "@/db";
import { type KeyListQuery, listKeys, recentlyLeakedKeys } from "@/db/queries/api-keys";
import { expiringKeys } from "@/db/queries/dashboard";
import { getKeyPolicy } from "@/db/queries/key-policies";

/** Everything the keys page reads, in parallel: one page of keys and the banners' data. */
export async function keysPageData(db: Db, organizationId: string, query: KeyListQuery, now: Date) {
  const [list, expiring, policy, leaked] = await Promise.all([
    listKeys(db, organizationId, { ...query, size: 20 }),
    expiringKeys(db, organizationId, now, 3),
    getKeyPolicy(db, organizationId),
    recentlyLeakedKeys(db, organizationId),
  ]);
  return { list, expiring, policy, leaked };
}
