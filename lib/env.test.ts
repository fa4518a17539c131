import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("parseEnv", () => {
  it("has working defaults with no environment at all", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.KEY_PREFIX).toBe("lk");
    expect(env.DATA_DIR).toBe(".data");
    expect(env.USAGE_FLUSH_MS).toBe(5000);
    expect(env.TRUSTED_PROXIES).toEqual([]);
  });

  it("treats empty strings as unset", () => {
    expect(
      parseEnv({ DATABASE_URL: "", AUTH_SECRET: "", REDIS_URL: "" }).DATABASE_URL,
    ).toBeUndefined();
  });

  it("fails with a clear message for a bad DATABASE_URL", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x@y/z" })).toThrow(
      /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expect(() => parseEnv({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
    expect(parseEnv({ DATABASE_URL: "postgres://u@localhost:5432/db" }).DATABASE_URL).toBe(
      "postgres://u@localhost:5432/db",
    );
  });

  it("rejects a short AUTH_SECRET and a bad KEY_PREFIX", () => {
    expect(() => parseEnv({ AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET/);
    expect(() => parseEnv({ KEY_PREFIX: "Bad_Prefix" })).toThrow(/KEY_PREFIX/);
  });

  it("reads the listen address, public URL and host trust too", () => {
    const defaults = parseEnv({});
    expect([defaults.PORT, defaults.HOSTNAME, defaults.AUTH_URL]).toEqual([
      3000,
      "0.0.0.0",
      undefined,
    ]);
    expect(defaults.AUTH_TRUST_HOST).toBe(true);
    const set = parseEnv({
      PORT: "8080",
      HOSTNAME: "127.0.0.1",
      AUTH_URL: "https://keys.example.com",
      AUTH_TRUST_HOST: "false",
    });
    expect([set.PORT, set.HOSTNAME, set.AUTH_URL, set.AUTH_TRUST_HOST]).toEqual([
      8080,
      "127.0.0.1",
      "https://keys.example.com",
      false,
    ]);
    expect(() => parseEnv({ PORT: "http" })).toThrow(/PORT/);
    expect(() => parseEnv({ AUTH_URL: "keys.example.com" })).toThrow(/AUTH_URL/);
  });
});
