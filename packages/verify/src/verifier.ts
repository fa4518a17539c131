/**
 * The key verifier, framework-free: credential in, decision out. Latchkey's own routes, its verify
 * route and this package's adapters all ask it.
 */

import { KeyCache } from "./cache.ts";
import { ipMatches } from "./ip.ts";
import { hashApiKey, parseApiKey } from "./key-format.ts";
import {
  type CreditSpender,
  type CreditState,
  type KeyRateLimiter,
  type KeyRecord,
  type KeyStore,
  type RateLimitState,
  StoreUnavailableError,
} from "./ports.ts";
import type { ProblemCode } from "./problem.ts";
import { REFUSAL_STATUS, type RefusalCode, refusalDetail } from "./refusals.ts";
import { type DisplayStatus, effectiveStatus } from "./status.ts";

export type VerifyRequest = {
  /** The raw credential from the request, if any. */
  key: string | undefined;
  requiredScopes?: readonly string[];
  clientIp: string | undefined;
  /**
   * Only keys of this organization: any other key reads as unknown, before anything of it is
   * checked or spent (the verify route checks keys for one organization's services).
   */
  organizationId?: string;
  /** Credits the request spends when the key has a usage limit (default 1; 0 spends none). */
  cost?: number;
};

export type VerifySuccess = {
  ok: true;
  key: KeyRecord;
  rateLimit: RateLimitState | null;
  /** The key's credits after this request; null when its use is unlimited. */
  credits: CreditState | null;
};
export type VerifyFailure = {
  ok: false;
  status: number;
  code: ProblemCode;
  detail: string;
  /** The key, when it was identified (for usage counting). */
  key?: KeyRecord;
  rateLimit?: RateLimitState;
  credits?: CreditState;
};
export type VerifyResult = VerifySuccess | VerifyFailure;

export type VerifierDeps = {
  store: KeyStore;
  cache?: KeyCache;
  limiter: KeyRateLimiter;
  /** Spends the credits of keys with a usage limit; without it such keys cannot be verified. */
  credits?: CreditSpender;
  defaultRateLimitPerMinute: number;
  now?: () => number;
  onStoreError?: (error: unknown) => void;
  /** A lookup slower than this counts as unreachable (fail closed instead of hanging). */
  lookupTimeoutMs?: number;
};

const STATUS_CODES = {
  revoked: "key_revoked",
  expired: "key_expired",
  disabled: "key_disabled",
} as const satisfies Record<Exclude<DisplayStatus, "active">, RefusalCode>;

const fail = (
  code: RefusalCode,
  extra: Partial<VerifyFailure> = {},
  context: Parameters<typeof refusalDetail>[1] = {},
): VerifyFailure => ({
  ok: false,
  status: REFUSAL_STATUS[code],
  code,
  detail: refusalDetail(code, context),
  ...extra,
});

export class Verifier {
  readonly cache: KeyCache;
  private readonly now: () => number;
  /**
   * Concurrent misses for one hash share one lookup — but only within one cache epoch: a request
   * arriving after an invalidation must not be answered by a lookup that started before it.
   */
  private readonly inflight = new Map<
    string,
    { epoch: number; promise: Promise<KeyRecord | null> }
  >();
  /**
   * Set by a failed lookup, cleared by the next one that succeeds. While it is set, one lookup at
   * a time probes the store and every other miss fails closed at once, instead of each waiting
   * out the lookup timeout on a database that is gone.
   */
  private storeDown = false;
  private probing = false;

  constructor(private readonly deps: VerifierDeps) {
    this.cache = deps.cache ?? new KeyCache();
    this.now = deps.now ?? Date.now;
  }

  async verify(request: VerifyRequest): Promise<VerifyResult> {
    const raw = request.key?.trim();
    if (!raw) return fail("missing_key");
    // Garbage and typos stop here, before any hashing or database work.
    if (!parseApiKey(raw)) return fail("invalid_key");

    let record: KeyRecord | null;
    try {
      record = await this.lookup(hashApiKey(raw));
    } catch (error) {
      this.deps.onStoreError?.(error);
      return fail("verification_unavailable");
    }
    if (!record) return fail("invalid_key");
    if (request.organizationId !== undefined && record.organizationId !== request.organizationId) {
      return fail("invalid_key");
    }
    return this.check(record, request);
  }

  /**
   * The checks on a known key, in this order: status and expiry, scopes, IP allowlist, rate limit,
   * credits. Whatever refuses a request stops it there, so a request refused for any other reason
   * spends neither its rate limit nor its credits.
   */
  async check(key: KeyRecord, request: VerifyRequest): Promise<VerifyResult> {
    const status = effectiveStatus(key, this.now());
    if (status !== "active") {
      return fail(STATUS_CODES[status], { key });
    }
    const missing = (request.requiredScopes ?? []).filter((s) => !key.scopes.includes(s));
    if (missing.length > 0) {
      return fail("insufficient_scope", { key }, { missingScopes: missing });
    }
    if (key.ipRestricted) {
      if (!request.clientIp || !ipMatches(request.clientIp, key.allowedIps)) {
        return fail("ip_not_allowed", { key });
      }
    }
    const limit = key.rateLimitPerMinute ?? this.deps.defaultRateLimitPerMinute;
    const consumed = await this.deps.limiter.consume(key.id, limit);
    const rateLimit = {
      limit: consumed.limit,
      remaining: consumed.remaining,
      reset: consumed.reset,
    };
    if (!consumed.allowed) {
      return fail("rate_limited", { key, rateLimit }, { rateLimitPerMinute: limit });
    }
    if (!key.credits) return { ok: true, key, rateLimit, credits: null };
    let credits: CreditState;
    try {
      if (!this.deps.credits) throw new Error("no credit ledger");
      credits = await this.deps.credits.spend({ keyId: key.id, ...key.credits }, request.cost ?? 1);
    } catch (error) {
      // Credits that cannot be counted are not given away.
      this.deps.onStoreError?.(error);
      return fail("verification_unavailable", { key, rateLimit });
    }
    if (!credits.allowed) {
      return fail("usage_exceeded", { key, rateLimit, credits });
    }
    return { ok: true, key, rateLimit, credits };
  }

  private async lookup(hash: string): Promise<KeyRecord | null> {
    const cached = this.cache.get(hash);
    if (cached) {
      // Keys in use are looked up again before they expire, off the request path: otherwise
      // every key cached at one moment expires at one moment, and the requests that find them
      // gone all wait on the database at once.
      if (cached.refreshAt <= Date.now()) this.refresh(hash);
      return cached.record;
    }
    const epoch = this.cache.epoch;
    const shared = this.inflight.get(hash);
    if (shared?.epoch === epoch) return shared.promise;
    if (!this.storeDown) return this.fetch(hash, epoch);
    if (this.probing) throw new StoreUnavailableError(new Error("the key store is unreachable"));
    this.probing = true;
    return this.fetch(hash, epoch).finally(() => {
      this.probing = false;
    });
  }

  /** A lookup in the background; on failure the cached entry simply lives out its TTL. */
  private refresh(hash: string): void {
    if (this.inflight.get(hash)?.epoch === this.cache.epoch) return;
    this.fetch(hash, this.cache.epoch).catch(() => {});
  }

  private fetch(hash: string, epoch: number): Promise<KeyRecord | null> {
    const entry = {
      epoch,
      promise: withTimeout(this.deps.store.findByHash(hash), this.deps.lookupTimeoutMs ?? 3000)
        .then((record) => {
          this.storeDown = false;
          // An invalidation while this lookup ran may mean the record is already stale.
          if (this.cache.epoch === epoch) this.cache.set(hash, record);
          return record;
        })
        .catch((error) => {
          this.storeDown = true;
          throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error);
        })
        .finally(() => {
          if (this.inflight.get(hash) === entry) this.inflight.delete(hash);
        }),
    };
    this.inflight.set(hash, entry);
    return entry.promise;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("key store lookup timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
