import type { KeyEnvironment, KeyStatus } from "@/db/schema";
import type { IpRange } from "@/lib/net/ip";

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
