/**
 * Every schema at the boundary (API queries and bodies, server-action forms, page queries) against
 * hostile strings: each one is refused, or what comes out is text PostgreSQL stores (no NUL, no
 * lone surrogate) and dates it reads (years 2000–9999).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  changePasswordSchema,
  organizationNameSchema,
  personNameSchema,
  signInSchema,
  signUpSchema,
} from "@/lib/accounts/schemas";
import { createCustomerBody, customersQuery, verifyKeyBody } from "@/lib/api/public-schemas";
import {
  auditLogQuery,
  createApiKeyBody,
  listApiKeysQuery,
  rollApiKeyBody,
  updateApiKeyBody,
} from "@/lib/api/schemas";
import { auditSearchSchema } from "@/lib/audit/search";
import { leakReportSchema } from "@/lib/keys/leaks";
import { keyPolicyFormSchema } from "@/lib/keys/policy";
import { createKeyFormSchema, updateKeyFormSchema, usageLeftFormSchema } from "@/lib/keys/schemas";
import { text } from "@/lib/search-params";

const UUID = "0b6f7b4e-1c1a-4b8e-9f57-1a2b3c4d5e6f";

/** Valid input for each schema: one field at a time is replaced with something hostile. */
const SCHEMAS: [string, z.ZodType, Record<string, unknown>][] = [
  [
    "sign-up",
    signUpSchema,
    { name: "A", email: "a@b.co", password: "password1", organization: "O" },
  ],
  ["sign-in", signInSchema, { email: "a@b.co", password: "x" }],
  [
    "change password",
    changePasswordSchema,
    { currentPassword: "x", newPassword: "password1", confirmPassword: "password1" },
  ],
  ["organization name", organizationNameSchema, {}],
  ["person name", personNameSchema, {}],
  ["key policy form", keyPolicyFormSchema, { leakAction: "disable" }],
  ["create key form", createKeyFormSchema, { name: "k", scopes: "customers:read" }],
  [
    "update key form",
    updateKeyFormSchema,
    {
      id: UUID,
      name: "k",
      scopes: "customers:read",
      expiration: "custom",
      expiresOn: "2030-01-01",
    },
  ],
  ["usage left form", usageLeftFormSchema, { id: UUID, usageRemaining: "5" }],
  ["POST /api-keys", createApiKeyBody, { name: "k", scopes: ["customers:read"] }],
  ["PATCH /api-keys/{id}", updateApiKeyBody, {}],
  ["POST /api-keys/{id}/roll", rollApiKeyBody, {}],
  ["POST /customers", createCustomerBody, { name: "c", email: "c@d.co" }],
  ["POST /keys/verify", verifyKeyBody, { key: "lk_live_x" }],
  ["POST /leaks", leakReportSchema, { keys: ["lk_live_x"] }],
  ["GET /api-keys", listApiKeysQuery, {}],
  ["GET /audit-log", auditLogQuery, {}],
  ["GET /customers", customersQuery, {}],
  ["/settings/audit-log", auditSearchSchema, {}],
];

/**
 * Secrets that are only ever hashed or checked against the key format, never stored or queried
 * as text: a password as typed (refusing one could lock its owner out) and a key to verify or
 * report (anything but a well-formed key of ours is dropped before any query).
 */
const HASHED_ONLY: Record<string, string[]> = {
  "sign-in": ["password"],
  "change password": ["currentPassword", "confirmPassword"],
  "POST /keys/verify": ["key"],
  "POST /leaks": ["keys"],
};

const FIELDS: Record<string, string[]> = {
  "organization name": [""],
  "person name": [""],
  "key policy form": ["maxLifetimeDays", "requireAllowedIpsForLive", "disableUnusedAfterDays"],
  "create key form": [
    "name",
    "description",
    "scopes",
    "environment",
    "expiration",
    "expiresOn",
    "allowedIps",
    "rateLimitPerMinute",
    "webhookUrl",
    "usageLimit",
    "usageRefill",
  ],
  "update key form": [
    "id",
    "name",
    "description",
    "expiresOn",
    "allowedIps",
    "usageLimit",
    "usageRefill",
  ],
  "POST /api-keys": [
    "name",
    "description",
    "scopes",
    "environment",
    "expiresAt",
    "allowedIps",
    "rateLimitPerMinute",
    "webhookUrl",
    "usageLimit",
    "usageRefill",
  ],
  "PATCH /api-keys/{id}": [
    "name",
    "description",
    "status",
    "expiresAt",
    "allowedIps",
    "webhookUrl",
    "usageLimit",
    "usageRefill",
    "usageRemaining",
  ],
  "POST /api-keys/{id}/roll": ["gracePeriod"],
  "POST /leaks": ["keys", "url", "source"],
  "GET /api-keys": ["limit", "cursor", "status", "environment", "expiringWithin", "q"],
  "GET /audit-log": ["limit", "cursor", "keyId", "actor", "action", "from", "to"],
  "GET /customers": ["limit", "cursor"],
  "/settings/audit-log": ["key", "actor", "action", "from", "to", "page"],
};

const HOSTILE: unknown[] = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "\u001b[2J",
  "x".repeat(10_240),
  "0000-01-01",
  "0000-01-01T00:00:00Z",
  "2026-99-99T99:99:99Z",
  "9999-12-31T23:59:59-05:00",
  "+275760-09-13T00:00:00.000Z",
  "1e309",
  String(2 ** 64),
  "-1",
  "1.5",
  "__proto__",
  ["\u0000"],
  ["\ud800", "x"],
  { toString: "\u0000" },
  1e308,
  2 ** 64,
  -1,
  1.5,
  Number.NaN,
  null,
  true,
];

/** Every string and date in a parsed value, wherever it sits. */
function* leaves(value: unknown, seen = new Set<unknown>()): Generator<string | Date> {
  if (typeof value === "string" || value instanceof Date) {
    yield value;
  } else if (value && typeof value === "object" && !seen.has(value)) {
    seen.add(value);
    for (const v of Object.values(value)) yield* leaves(v, seen);
  }
}

function expectStorable(name: string, label: string, schema: z.ZodType, input: unknown) {
  const parsed = schema.safeParse(input);
  if (!parsed.success) return;
  const data = { ...(parsed.data as object) } as Record<string, unknown>;
  for (const field of HASHED_ONLY[name] ?? []) delete data[field];
  for (const leaf of leaves(typeof parsed.data === "object" ? data : parsed.data)) {
    if (typeof leaf === "string") {
      expect(leaf.includes("\u0000"), `${label}: NUL passed`).toBe(false);
      expect(leaf.isWellFormed(), `${label}: lone surrogate passed`).toBe(true);
    } else {
      const year = leaf.getUTCFullYear();
      expect(year >= 2000 && year <= 9999, `${label}: year ${year} passed`).toBe(true);
    }
  }
}

describe("boundary schemas against hostile input", () => {
  it.each(SCHEMAS)("%s: refused, or storable", (name, schema, valid) => {
    for (const field of FIELDS[name] ?? Object.keys(valid)) {
      for (const value of HOSTILE) {
        const input = field === "" ? value : { ...valid, [field]: value };
        const label = `${name} ${field}=${JSON.stringify(value)?.slice(0, 40)}`;
        expectStorable(name, label, schema, input);
      }
    }
  });

  it("every string field, any text", () => {
    const targets = SCHEMAS.flatMap(([name, schema, valid]) =>
      (FIELDS[name] ?? Object.keys(valid)).map((field) => ({ name, schema, valid, field })),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...targets),
        fc.string({ unit: "binary", maxLength: 24 }),
        ({ name, schema, valid, field }, value) => {
          const input = field === "" ? value : { ...valid, [field]: value };
          expectStorable(name, `${name} ${field}`, schema, input);
        },
      ),
      { numRuns: 500 },
    );
  }, 60_000);

  it("the pages' free-text parameters are plain text or nothing", () => {
    const q = text(64);
    expect(q.parse("a\u0000b")).toBe("");
    expect(q.parse(["\ud800", "ok"])).toBe("");
    expect(q.parse(["ok", "\u0000"])).toBe("ok");
    expect(q.parse("x".repeat(100))).toBe("x".repeat(64));
  });

  it("refuses the reported findings outright", () => {
    expect(listApiKeysQuery.safeParse({ q: "\u0000" }).success).toBe(false);
    expect(auditLogQuery.safeParse({ actor: "\u0000" }).success).toBe(false);
    expect(auditLogQuery.safeParse({ from: "0000-01-01" }).success).toBe(false);
    expect(auditLogQuery.safeParse({ to: "9999-12-31" }).success).toBe(true);
    expect(signInSchema.safeParse({ email: "a\u0000@b.co", password: "x" }).success).toBe(false);
    expect(
      createApiKeyBody.safeParse({
        name: "k",
        scopes: ["customers:read"],
        expiresAt: "+275760-09-13T00:00:00.000Z",
      }).success,
    ).toBe(false);
    const custom = (expiresOn: string) =>
      createKeyFormSchema.safeParse({
        name: "k",
        scopes: "customers:read",
        expiration: "custom",
        expiresOn,
      }).success;
    expect(custom("9999-12-31")).toBe(true);
    expect(custom("2026-02-30")).toBe(false);
  });
});
