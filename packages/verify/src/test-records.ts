import type { KeyRecord } from "./ports.ts";

/** A verifiable key record for unit tests of the verifier; override what the test is about. */
export function keyRecord(patch: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: "k1",
    organizationId: "o1",
    organizationName: "Acme",
    name: "Key",
    environment: "live",
    scopes: ["customers:read"],
    status: "active",
    expiresAt: null,
    ipRestricted: false,
    allowedIps: [],
    rateLimitPerMinute: null,
    credits: null,
    ...patch,
  };
}
