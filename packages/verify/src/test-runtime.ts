import { vi } from "vitest";
import { decide } from "./decide.ts";
import { generateApiKey } from "./key-format.ts";
import type { CreditSpender, KeyRecord, KeyStore } from "./ports.ts";
import { FixedWindowKeyLimiter } from "./rate-limit.ts";
import { UsageBuffer } from "./usage.ts";
import { Verifier } from "./verifier.ts";

/** A runtime over an in-memory store: the keys given, each with its own record. */
export function fakeRuntime(
  records: KeyRecord[],
  options: { storeDown?: boolean; credits?: CreditSpender } = {},
) {
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
  const verifier = new Verifier({
    store,
    limiter,
    credits: options.credits,
    defaultRateLimitPerMinute: 600,
  });
  const usage = new UsageBuffer({ write: async () => {}, flushMs: 60_000 });
  const recorded = vi.spyOn(usage, "record");
  const consumed = vi.spyOn(limiter, "consume");
  const runtime = {
    verifier,
    usage,
    decide: (request: Parameters<typeof decide>[1]) => decide(runtime, request),
  };
  return { runtime, keyOf: (id: string) => keys.get(id) as string, recorded, consumed };
}
