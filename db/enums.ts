/**
 * The value lists behind the schema's enums, free of drizzle so that zod schemas, the verifier
 * and client components can derive their lists from the same source as the database.
 */
export const ROLES = ["owner", "admin", "member"] as const;
export const KEY_ENVIRONMENTS = ["live", "test"] as const;
export const KEY_STATUSES = ["active", "disabled", "revoked"] as const;
/** A key's status as shown and filtered: the stored one, or "expired" once its expiry passed. */
export const KEY_DISPLAY_STATUSES = [...KEY_STATUSES, "expired"] as const;
/** How a key's credits come back: never, or at the start of each UTC day or month. */
export const USAGE_REFILLS = ["never", "daily", "monthly"] as const;
