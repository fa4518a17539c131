import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import {
  decryptWebhookSecret,
  encryptWebhookSecret,
  generateWebhookSecret,
  secretKeyMaterial,
} from "./secret";

const material = "a-long-enough-key-material-for-tests-0123456789";

describe("webhook secrets", () => {
  it("are Standard Webhooks secrets that standardwebhooks accepts", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(generateWebhookSecret()).not.toBe(secret);
    const signature = new Webhook(secret).sign("msg_1", new Date(), "{}");
    expect(signature).toMatch(/^v1,/);
  });

  it("round-trip through AES-256-GCM and never store the plain secret", () => {
    const secret = generateWebhookSecret();
    const stored = encryptWebhookSecret(secret, material);
    expect(stored).not.toContain(secret.slice(6));
    expect(encryptWebhookSecret(secret, material)).not.toBe(stored);
    expect(decryptWebhookSecret(stored, material)).toBe(secret);
  });

  it("refuse tampered ciphertexts and other key material", () => {
    const stored = encryptWebhookSecret(generateWebhookSecret(), material);
    const [v, iv, data, tag] = stored.split(".") as [string, string, string, string];
    // The first character is all data (a character near the end may hold only padding bits).
    const flipped = `${data.startsWith("A") ? "B" : "A"}${data.slice(1)}`;
    expect(() => decryptWebhookSecret([v, iv, flipped, tag].join("."), material)).toThrow();
    expect(() => decryptWebhookSecret(stored, `${material}x`)).toThrow();
    expect(() => decryptWebhookSecret("plain", material)).toThrow();
  });
});

describe("webhook configuration", () => {
  const auth = "x".repeat(32);
  it("derives from WEBHOOK_SECRET_KEY, else AUTH_SECRET, else refuses", () => {
    const own = "y".repeat(40);
    expect(secretKeyMaterial(parseEnv({ AUTH_SECRET: auth, WEBHOOK_SECRET_KEY: own }))).toBe(own);
    expect(secretKeyMaterial(parseEnv({ AUTH_SECRET: auth }))).toBe(auth);
    expect(() => secretKeyMaterial(parseEnv({}))).toThrow(/WEBHOOK_SECRET_KEY/);
    expect(() => parseEnv({ WEBHOOK_SECRET_KEY: "short" })).toThrow(/WEBHOOK_SECRET_KEY/);
  });

  it("reads WEBHOOKS_ALLOW_PRIVATE as a boolean, off by default", () => {
    expect(parseEnv({}).WEBHOOKS_ALLOW_PRIVATE).toBe(false);
    expect(parseEnv({ WEBHOOKS_ALLOW_PRIVATE: "true" }).WEBHOOKS_ALLOW_PRIVATE).toBe(true);
    expect(parseEnv({ WEBHOOKS_ALLOW_PRIVATE: "0" }).WEBHOOKS_ALLOW_PRIVATE).toBe(false);
    expect(() => parseEnv({ WEBHOOKS_ALLOW_PRIVATE: "yes" })).toThrow(/WEBHOOKS_ALLOW_PRIVATE/);
  });
});
