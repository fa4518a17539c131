/** The verifier's database connections on postgres.js: statements, and a LISTEN of its own. */
import postgres from "postgres";
import type { ListenFn } from "./listener.ts";
import type { Sql } from "./sql.ts";

type Client = postgres.Sql | postgres.TransactionSql;

/** A postgres.js client (or transaction) as a `Sql`: every statement prepared by the server. */
export function sqlFromPostgres(client: Client): Sql {
  return {
    query: async <T extends Record<string, unknown>>(
      text: string,
      params: readonly unknown[] = [],
    ) =>
      (await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
        prepare: true,
      })) as unknown as T[],
    transaction: async <T>(fn: (tx: Sql) => Promise<T>) => {
      if (!("begin" in client)) throw new Error("already in a transaction");
      return (await client.begin((tx) => fn(sqlFromPostgres(tx)))) as T;
    },
  };
}

/**
 * LISTEN on `channel` over a connection of its own, so `onClose` hears at once when that
 * connection is lost: the subscription is then gone (postgres.js's own `listen` would re-subscribe
 * silently, and give up silently while the database is still down), and the caller subscribes
 * again. Returns the unsubscribe function.
 */
export function listenWith(client: postgres.Sql): ListenFn {
  return async (channel, onMessage, onClose) => {
    let ended = false;
    // The pool's parsed options, as postgres.js itself does for its listen connection.
    const connection = postgres({
      ...client.options,
      max: 1,
      idle_timeout: null,
      max_lifetime: null,
      fetch_types: false,
      onnotify: (name: string, payload: string) => {
        if (name === channel) onMessage(payload);
      },
      onclose: () => {
        if (!ended) onClose?.();
        ended = true;
      },
    } as unknown as postgres.Options<Record<string, never>>);
    const end = async () => {
      ended = true;
      await connection.end({ timeout: 1 });
    };
    try {
      await connection.unsafe(`listen "${channel.replaceAll('"', '""')}"`);
    } catch (error) {
      await end().catch(() => {});
      throw error;
    }
    return end;
  };
}

/** NOTIFY `channel` with `payload` (the change listener's heartbeat). */
export async function notifyWith(sql: Sql, channel: string, payload: string): Promise<void> {
  await sql.query("select pg_notify($1, $2)", [channel, payload]);
}
