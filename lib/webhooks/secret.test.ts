import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { decryptWebhookSecret, encryptWebhookSecret, generateWebhookSecret } from "./secret";

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
    const flipped = `${data.slice(0, -2)}${data.endsWith("A") ? "B" : "A"}${data.slice(-1)}`;
    expect(() => decryptWebhookSecret([v, iv, flipped, tag].join("."), material)).toThrow();
    expect(() => decryptWebhookSecret(stored, `${material}x`)).toThrow();
    expect(() => decryptWebhookSecret("plain", material)).toThrow();
  });
});
