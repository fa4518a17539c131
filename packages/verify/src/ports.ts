import type { UsageRefill } from "./credits/period.ts";
import type { CreditLedger, CreditSpend } from "./credits/types.ts";
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

export type { CreditTerms } from "./credits/types.ts";

/** What a key's credits are after a spend (credits/ledger.ts). */
export type CreditState = CreditSpend;

/** Spends credits exactly; throws when it cannot tell (the verifier then fails closed). */
export type CreditSpender = Pick<CreditLedger, "spend">;
