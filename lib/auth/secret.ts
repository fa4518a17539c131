import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The secret that signs sessions when the environment sets none: generated once and kept in
 * `<dataDir>/auth-secret`, so sessions survive restarts without any configuration.
 */
export function loadOrCreateAuthSecret(
  dataDir: string,
  log: (msg: string) => void = console.warn,
): string {
  const file = path.resolve(dataDir, "auth-secret");
  let secret = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
  if (secret.length < 32) {
    secret = randomBytes(32).toString("base64url");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    log(`[latchkey] AUTH_SECRET is not set: generated one and saved it to ${file}.`);
  } else {
    log(`[latchkey] AUTH_SECRET is not set: using the one saved in ${file}.`);
  }
  return secret;
}
