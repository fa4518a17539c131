import type { UsageRefill } from "./credits/period.ts";
import type { IpRange } from "./ip.ts";
import type { KeyEnvironment } from "./key-format.ts";
import type { KeyStatus } from "./status.ts";

/** What the verifier needs to know about a key, as cached. Never the key itself. */
export type KeyRecord = {
  id: string;
  organizationId: string;
  organizationName: string;
  name: string;
  environment: KeyEnvironment;
  scopes: readonly string[];
  status: KeyStatus;
  /** Epoch milliseconds, or null for no expiry. */
  expiresAt: number | null;
  /** True when the key has an allowlist, even if none of its entries could be parsed. */
  ipRestricted: boolean;
  allowedIps: readonly IpRange[];
  rateLimitPerMinute: number | null;
  /** The key's usage limit (credits), or null when its use is unlimited. */
  credits: { limit: number; refill: UsageRefill; version: number } | null;
};

/** Looks keys up by hash; throws when the store cannot be reached. */
export interface KeyStore {
  findByHash(hash: string): Promise<KeyRecord | null>;
}

export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super("key store unavailable", { cause });
    this.name = "StoreUnavailableError";
  }
}

export type RateLimitState = {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  reset: number;
};

export interface KeyRateLimiter {
  consume(keyId: string, limitPerWindow: number): Promise<RateLimitState & { allowed: boolean }>;
}

/** A key's usage limit as the credit ledger needs it: which counter, and how it refills. */
export type CreditTerms = { keyId: string; limit: number; refill: UsageRefill; version: number };

export type CreditState = {
  allowed: boolean;
  limit: number;
  /** Credits left after this spend (or now, when it was refused). */
  remaining: number;
  refill: UsageRefill;
  /** Epoch ms of the next refill, or null when the key never refills. */
  refillsAt: number | null;
  /** The refill period spent in. */
  period: number;
};

/** Spends credits exactly (credits/ledger.ts); throws when it cannot tell (fail closed). */
export interface CreditSpender {
  spend(terms: CreditTerms, cost: number): Promise<CreditState>;
}
