/**
 * Webhook signing secrets. They must be kept to sign (unlike API keys, which are only hashed), so
 * they are stored encrypted with AES-256-GCM under a key derived (HKDF) from WEBHOOK_SECRET_KEY,
 * or AUTH_SECRET when that is unset.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { env } from "@/lib/env";

export const WEBHOOK_SECRET_PREFIX = "whsec_";
const FORMAT = "v1";
// Binds the ciphertext to its purpose: the same key material never decrypts anything else.
const AAD = Buffer.from("latchkey:webhook-secret:v1");

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/** The material the encryption key is derived from; fails loudly rather than encrypt with none. */
export function secretKeyMaterial(config = env()): string {
  const material = config.WEBHOOK_SECRET_KEY ?? config.AUTH_SECRET;
  if (!material) throw new Error("Neither WEBHOOK_SECRET_KEY nor AUTH_SECRET is set.");
  return material;
}

const derived = new Map<string, Buffer>();
function encryptionKey(material: string): Buffer {
  let key = derived.get(material);
  if (!key) {
    key = Buffer.from(
      hkdfSync("sha256", material, "latchkey-webhooks", "webhook-secret-encryption", 32),
    );
    derived.clear();
    derived.set(material, key);
  }
  return key;
}

export function encryptWebhookSecret(secret: string, material = secretKeyMaterial()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(material), iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, iv, data, tag]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

/** Throws when the value was tampered with or encrypted under other key material. */
export function decryptWebhookSecret(stored: string, material = secretKeyMaterial()): string {
  const [format, iv, data, tag] = stored.split(".");
  if (format !== FORMAT || !iv || !data || !tag) throw new Error("Unknown webhook secret format.");
  const decipher = createDecipheriv(
    "aes-256-gcm",
    encryptionKey(material),
    Buffer.from(iv, "base64url"),
  );
  decipher.setAAD(AAD);
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([
    decipher.update(Buffer.from(data, "base64url")),
    decipher.final(),
  ]).toString("utf8");
}
