/**
 * The key verifier, framework-free: credential in, decision out. The Next.js glue lives in
 * with-api-key.ts.
 */

import type { ProblemCode } from "@/lib/api/problem";
import { hashApiKey, parseApiKey } from "@/lib/keys/format";
import { type DisplayStatus, effectiveStatus } from "@/lib/keys/status";
import { ipMatches } from "@/lib/net/ip";
import { KeyCache } from "./cache";
import {
  type KeyRateLimiter,
  type KeyRecord,
  type KeyStore,
  type RateLimitState,
  StoreUnavailableError,
} from "./ports";

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
  /** Skip the rate limit (checks that must not spend the key's requests). */
  skipRateLimit?: boolean;
  /** Skip the IP allowlist. */
  skipIpCheck?: boolean;
};

export type VerifySuccess = { ok: true; key: KeyRecord; rateLimit: RateLimitState | null };
export type VerifyFailure = {
  ok: false;
  status: number;
  code: ProblemCode;
  detail: string;
  /** The key, when it was identified (for usage counting). */
  key?: KeyRecord;
  rateLimit?: RateLimitState;
};
export type VerifyResult = VerifySuccess | VerifyFailure;

export type VerifierDeps = {
  store: KeyStore;
  cache?: KeyCache;
  limiter: KeyRateLimiter;
  defaultRateLimitPerMinute: number;
  now?: () => number;
  onStoreError?: (error: unknown) => void;
  /** A lookup slower than this counts as unreachable (fail closed instead of hanging). */
  lookupTimeoutMs?: number;
};

const REFUSALS: Record<Exclude<DisplayStatus, "active">, [ProblemCode, string]> = {
  revoked: ["key_revoked", "This API key has been revoked."],
  expired: ["key_expired", "This API key has expired."],
  disabled: ["key_disabled", "This API key is disabled."],
};

const fail = (
  status: number,
  code: ProblemCode,
  detail: string,
  extra: Partial<VerifyFailure> = {},
): VerifyFailure => ({ ok: false, status, code, detail, ...extra });

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
    if (!raw)
      return fail(401, "missing_key", "Send an API key in X-API-Key or Authorization: Bearer.");
    // Garbage and typos stop here, before any hashing or database work.
    if (!parseApiKey(raw)) return fail(401, "invalid_key", "The API key is not valid.");

    let record: KeyRecord | null;
    try {
      record = await this.lookup(hashApiKey(raw));
    } catch (error) {
      this.deps.onStoreError?.(error);
      return fail(
        503,
        "verification_unavailable",
        "API keys cannot be verified right now. Try again shortly.",
      );
    }
    if (!record) return fail(401, "invalid_key", "The API key is not valid.");
    if (request.organizationId !== undefined && record.organizationId !== request.organizationId) {
      return fail(401, "invalid_key", "The API key is not valid.");
    }
    return this.check(record, request);
  }

  /** Status, expiry, IP, rate limit and scope checks on a known key. */
  async check(key: KeyRecord, request: VerifyRequest): Promise<VerifyResult> {
    const status = effectiveStatus(key, this.now());
    if (status !== "active") {
      const [code, detail] = REFUSALS[status];
      return fail(401, code, detail, { key });
    }
    if (key.ipRestricted && !request.skipIpCheck) {
      if (!request.clientIp || !ipMatches(request.clientIp, key.allowedIps)) {
        return fail(
          403,
          "ip_not_allowed",
          "Requests with this key are not allowed from this IP address.",
          { key },
        );
      }
    }
    let rateLimit: RateLimitState | null = null;
    if (!request.skipRateLimit) {
      const limit = key.rateLimitPerMinute ?? this.deps.defaultRateLimitPerMinute;
      const result = await this.deps.limiter.consume(key.id, limit);
      rateLimit = { limit: result.limit, remaining: result.remaining, reset: result.reset };
      if (!result.allowed) {
        return fail(429, "rate_limited", `Rate limit of ${limit} requests per minute exceeded.`, {
          key,
          rateLimit,
        });
      }
    }
    const missing = (request.requiredScopes ?? []).filter((s) => !key.scopes.includes(s));
    if (missing.length > 0) {
      return fail(
        403,
        "insufficient_scope",
        `This API key lacks the scope ${missing.join(", ")}.`,
        {
          key,
          rateLimit: rateLimit ?? undefined,
        },
      );
    }
    return { ok: true, key, rateLimit };
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
