import { z } from "zod";
import { processGlobal } from "@/shared/process-global";

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== ""
      );
    } catch {
      return false;
    }
  }, "must be a postgres:// or postgresql:// URL, e.g. postgres://user:pass@localhost:5432/latchkey");

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalString.pipe(postgresUrl.optional()),
  DATA_DIR: z.string().trim().min(1).default(".data"),
  AUTH_SECRET: optionalString.pipe(
    z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
  ),
  KEY_PREFIX: z
    .string()
    .trim()
    .regex(
      /^[a-z][a-z0-9]{0,9}$/,
      "must be 1–10 lowercase letters or digits, starting with a letter",
    )
    .default("lk"),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
      .optional(),
  ),
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOSTNAME: optionalString.pipe(z.string().default("0.0.0.0")),
  /** The public URL (Auth.js reads it too); an https one makes cookies Secure in production. */
  AUTH_URL: optionalString.pipe(z.url("must be a URL, e.g. https://keys.example.com").optional()),
  AUTH_TRUST_HOST: z
    .enum(["true", "false", "1", "0"], { error: "must be true or false" })
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  USAGE_FLUSH_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  // Sign-ups and organization creations per client IP and hour; at least 10 so a team behind one
  // address can still join.
  ACCOUNT_WRITES_PER_HOUR: z.coerce.number().int().min(10).max(1_000_000).default(20),
  // "Add member" attempts per user and, separately, per client IP and hour: each one tells whether
  // an email has an account. At least 10 so a team can still be set up.
  MEMBER_ADDS_PER_HOUR: z.coerce.number().int().min(10).max(1_000_000).default(30),
  DEFAULT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /**
   * Where credits (usage limits) are counted: `redis` (shared by every instance; the default with
   * REDIS_URL), `lease` (blocks leased from PostgreSQL; the default without it), or `memory` (one
   * instance only, written back on each flush: a crash can let the last flush's credits be spent
   * again).
   */
  CREDITS_MODE: optionalString.pipe(
    z.enum(["redis", "lease", "memory"], { error: "must be redis, lease or memory" }).optional(),
  ),
  /** Encrypts webhook signing secrets at rest; AUTH_SECRET is used when unset. */
  WEBHOOK_SECRET_KEY: optionalString.pipe(
    z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
  ),
  /** Lets webhooks reach http:// and private, loopback or link-local addresses (dev and tests). */
  WEBHOOKS_ALLOW_PRIVATE: z
    .enum(["true", "false", "1", "0", ""], { error: "must be true or false" })
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** How often the key policy's idle-key sweep runs. */
  KEY_POLICY_SWEEP_MS: z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000),
  /** `off` leaves POST /api/v1/keys/verify to Next's router (the same contract, slower; tests). */
  VERIFY_FAST_PATH: z.enum(["on", "off"], { error: "must be on or off" }).default("on"),
});

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

// Shared by server.ts and Next's bundles, so a secret generated at start-up is seen by both.
const holder = processGlobal("env", () => ({ env: undefined as Env | undefined }));

/** The validated environment, parsed once per process. The only reader of process.env. */
export function env(): Env {
  holder.env ??= parseEnv(process.env);
  return holder.env;
}

/** Installs the auth secret generated at start-up (see lib/auth/secret.ts). */
export function setAuthSecret(secret: string): void {
  holder.env = { ...env(), AUTH_SECRET: secret };
  // Child processes (and Auth.js itself) still look in the environment.
  process.env.AUTH_SECRET = secret;
}
