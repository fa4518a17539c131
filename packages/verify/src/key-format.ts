/**
 * API key format: `<prefix>_<live|test>_<32 base62 random chars><6 base62 chars of CRC32>`.
 * The checksum covers everything before it, so scanners and the verifier can reject a mistyped or
 * made-up key without touching the database. Pure functions, no framework.
 */
import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const RANDOM_LENGTH = 32;
export const CHECKSUM_LENGTH = 6;
export const VISIBLE_RANDOM_CHARS = 4;
export const MASK = "••••••••";

export type KeyEnvironment = "live" | "test";

/** Uniform base62 characters: bytes ≥ 248 are discarded so no character is more likely. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function toBase62(value: number, width: number): string {
  let n = value;
  let out = "";
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, "0");
}

export function checksum(body: string): string {
  return toBase62(crc32(body), CHECKSUM_LENGTH);
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** `lk_live_AbCd`: what is stored and shown besides the hash. */
export function displayPrefix(prefix: string, environment: KeyEnvironment, random: string): string {
  return `${prefix}_${environment}_${random.slice(0, VISIBLE_RANDOM_CHARS)}`;
}

/** `lk_live_AbCd••••••••` */
export function maskKey(storedPrefix: string): string {
  return `${storedPrefix}${MASK}`;
}

export type GeneratedKey = { key: string; prefix: string; hash: string };

export function generateApiKey(prefix: string, environment: KeyEnvironment): GeneratedKey {
  if (!/^[a-z][a-z0-9]{0,9}$/.test(prefix)) throw new Error("invalid key prefix");
  const random = randomBase62(RANDOM_LENGTH);
  const body = `${prefix}_${environment}_${random}`;
  const key = `${body}${checksum(body)}`;
  return { key, prefix: displayPrefix(prefix, environment, random), hash: hashApiKey(key) };
}

export type ParsedKey = { prefix: string; environment: KeyEnvironment; random: string };

/** The parts of a well-formed key with a correct checksum; null for anything else. */
export function parseApiKey(candidate: string): ParsedKey | null {
  const match = /^([a-z][a-z0-9]{0,9})_(live|test)_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/.exec(
    candidate,
  );
  if (!match) return null;
  const [, prefix, environment, random, sum] = match as unknown as [
    string,
    string,
    KeyEnvironment,
    string,
    string,
  ];
  if (checksum(`${prefix}_${environment}_${random}`) !== sum) return null;
  return { prefix, environment, random };
}

/** Text with every full key in it masked (`lk_live_AbCd••••••••`), e.g. before it is logged. */
export function redactApiKeys(text: string): string {
  return text.replace(
    /\b([a-z][a-z0-9]{0,9}_(?:live|test)_[0-9A-Za-z]{4})[0-9A-Za-z]{34}\b/g,
    (_, visible: string) => maskKey(visible),
  );
}
