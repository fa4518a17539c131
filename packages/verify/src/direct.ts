/**
 * `createDirectVerifier`: Latchkey's own verifier, in another service's process, against
 * Latchkey's PostgreSQL, for the keys of one organization. A cache hit costs no network hop; revocations arrive over LISTEN/NOTIFY
 * before the next request; usage, "Last used" and credits go to the same tables with the same
 * flush as the app's. It only reads keys and writes usage: a least-privilege role is enough
 * (README: "Protect your own service").
 */
import type { Redis } from "ioredis";
import postgres from "postgres";
import { createLeaseLedger, createRedisLedger } from "./credits/ledger.ts";
import { describeError, usageName } from "./http.ts";
import { connectRedis } from "./limiter.ts";
import { listenWith, notifyWith, sqlFromPostgres } from "./postgres.ts";
import { createVerifyRuntime, type VerifyRuntime } from "./runtime.ts";
import { UNAVAILABLE, verdictOf } from "./verdict.ts";
import { checkInput, type LatchkeyVerifier, type Outcome, tooLong } from "./verifier-api.ts";

export type DirectVerifierOptions = {
  /** Latchkey's PostgreSQL, ideally as a role that may only read keys and write usage. */
  databaseUrl: string;
  /**
   * The organization whose keys this service accepts (its id, as in a verdict's
   * `organizationId`). A key of any other organization reads as `invalid_key`, as it does in
   * remote mode: the database holds every organization's keys, and anyone who can sign up to
   * Latchkey can make some. Without it, the verifier accepts the keys of the database's only
   * organization, and while there is not exactly one it lets nothing through
   * (`verification_unavailable`, with a log line that says to pass `organizationId`).
   */
  organizationId?: string;
  /**
   * The Redis Latchkey's instances share, if they do: rate limits and credits are then counted
   * together with theirs. Without it, rate limits are this process's own and credits are leased
   * from PostgreSQL. Give it exactly when Latchkey has `REDIS_URL`.
   */
  redisUrl?: string;
  /** The rate limit of keys without their own (Latchkey's DEFAULT_RATE_LIMIT_PER_MINUTE: 600). */
  defaultRateLimitPerMinute?: number;
  /** How often usage and credits are written (default 5000 ms, like Latchkey's). */
  flushMs?: number;
  /** Database connections (default 4; one more listens for key changes). */
  poolSize?: number;
  /** Where incidents are reported (default console.error), never with a key. */
  log?: (message: string) => void;
};

/** What `verify()` records usage under when the input names no endpoint. */
export const DIRECT_ENDPOINT = "POST verify";

export type DirectVerifier = LatchkeyVerifier & {
  /** Starts the change listener; `verify` awaits it on first use anyway. */
  ready(): Promise<void>;
  /** The runtime inside: its cache, listener, usage buffer and credits (tests, benchmarks). */
  readonly runtime: VerifyRuntime;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createDirectVerifier(options: DirectVerifierOptions): DirectVerifier {
  if (
    options?.organizationId !== undefined &&
    (typeof options.organizationId !== "string" || !UUID.test(options.organizationId))
  ) {
    throw new TypeError("createDirectVerifier: organizationId must be the organization's id");
  }
  let organizationId = options.organizationId?.toLowerCase();
  const log = options.log ?? ((message: string) => console.error(message));
  const client = postgres(options.databaseUrl, {
    max: options.poolSize ?? 4,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 60,
  });
  const sql = sqlFromPostgres(client);
  const redis: Redis | undefined = options.redisUrl ? connectRedis(options.redisUrl) : undefined;
  const credits = redis ? createRedisLedger({ sql, redis }) : createLeaseLedger({ sql });
  const runtime = createVerifyRuntime({
    sql,
    listen: listenWith(client),
    notify: (channel, payload) => notifyWith(sql, channel, payload),
    redis,
    credits,
    defaultRateLimitPerMinute: options.defaultRateLimitPerMinute ?? 600,
    flushMs: options.flushMs ?? 5000,
    log,
  });
  let started: Promise<void> | undefined;
  const ready = () => {
    started ??= runtime.start();
    return started;
  };
  let closed = false;
  let lastLookup = 0;
  /**
   * Without an `organizationId`, the only organization there is: never every organization's keys
   * (that would let anyone who can sign up to Latchkey in). Looked up again at most every 5 s
   * while there is not exactly one.
   */
  const scope = async (): Promise<string | undefined> => {
    if (organizationId || Date.now() - lastLookup < 5000) return organizationId;
    lastLookup = Date.now();
    const rows = await sql.query<{ id: string }>(
      "select id::text as id from organizations limit 2",
    );
    if (rows.length === 1) organizationId = rows[0]?.id;
    else {
      log(
        `[latchkey] createDirectVerifier: ${rows.length === 0 ? "no organization" : "several organizations"} in this database; pass organizationId. Refusing every key (503) until then.`,
      );
    }
    return organizationId;
  };

  return {
    runtime,
    ready,
    async verify(input): Promise<Outcome> {
      checkInput(input);
      if (closed) return UNAVAILABLE;
      await ready();
      try {
        const organization = await scope();
        if (!organization) return UNAVAILABLE;
        const decision = await runtime.decide({
          key: tooLong(input.key) ? "" : input.key,
          scopes: input.scopes,
          clientIp: input.clientIp,
          ...usageName(input.endpoint ?? DIRECT_ENDPOINT),
          cost: input.cost ?? 1,
          organizationId: organization,
        });
        const { result } = decision;
        if (!result.ok && result.status === 503) return UNAVAILABLE;
        decision.record(result.ok ? 200 : result.status);
        return verdictOf(result);
      } catch (error) {
        log(`[latchkey] verification failed: ${describeError(error).split("\n")[0]}`);
        return UNAVAILABLE;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (started) await started.catch(() => {});
      await runtime.stop();
      redis?.disconnect();
      await client.end({ timeout: 5 });
    },
  };
}
