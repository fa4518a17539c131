import { sql } from "drizzle-orm";
import { type DbClient, executeRows, getDb } from "@/db";

/**
 * Runs `change` (SQL) in a transaction of its own on `client` and keeps it open, its row locks
 * held, until something `during` starts is blocked on one of them; then commits and returns what
 * `during` gave. Deterministic: `during` cannot see the change before it commits, and whatever it
 * reads before taking the lock is from before the change. PostgreSQL only.
 */
export async function whileLocked<T>(
  client: DbClient,
  change: string,
  during: () => Promise<T>,
): Promise<T> {
  if (client.kind !== "postgres") throw new Error("whileLocked needs PostgreSQL");
  const conn = await client.sql.reserve();
  try {
    await conn.unsafe("begin");
    await conn.unsafe(change);
    const [holder] = await conn.unsafe<{ pid: number }[]>("select pg_backend_pid() as pid");
    const pending = during();
    for (let i = 0; ; i++) {
      const [blocked] = await executeRows<{ n: number }>(
        getDb(),
        sql`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and ${holder?.pid}::int = any(pg_blocking_pids(pid))`,
      );
      if ((blocked?.n ?? 0) > 0) break;
      if (i >= 500) throw new Error("nothing waited for the lock");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await conn.unsafe("commit");
    return await pending;
  } catch (error) {
    await conn.unsafe("rollback").catch(() => {});
    throw error;
  } finally {
    conn.release();
  }
}
