import { vi } from "vitest";
import type { Db } from "@/db";
import { generateApiKey } from "@/lib/keys/format";
import { FixedWindowKeyLimiter } from "@/lib/rate-limit/key-limiter";
import type { KeyRecord, KeyStore } from "./ports";
import { UsageBuffer } from "./usage";
import { Verifier } from "./verifier";

/** A runtime over an in-memory store: the keys given, each with its own record. */
export function fakeRuntime(records: KeyRecord[], options: { storeDown?: boolean } = {}) {
  const keys = new Map<string, string>();
  const byHash: Record<string, KeyRecord> = {};
  for (const record of records) {
    const { key, hash } = generateApiKey("lk", record.environment);
    keys.set(record.id, key);
    byHash[hash] = record;
  }
  const store: KeyStore = {
    findByHash: vi.fn(async (hash: string) => {
      if (options.storeDown) throw new Error("connection refused");
      return byHash[hash] ?? null;
    }),
  };
  const limiter = new FixedWindowKeyLimiter({ keyPrefix: `t${Math.random()}` });
  const verifier = new Verifier({ store, limiter, defaultRateLimitPerMinute: 600 });
  const usage = new UsageBuffer({ db: () => ({}) as Db, flushMs: 60_000 });
  const recorded = vi.spyOn(usage, "record");
  const consumed = vi.spyOn(limiter, "consume");
  return {
    runtime: { verifier, usage },
    keyOf: (id: string) => keys.get(id) as string,
    recorded,
    consumed,
  };
}
