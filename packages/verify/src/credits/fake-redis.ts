import { type CreditRedis, SPEND_SCRIPT, SPEND_SHA } from "./redis-ledger.ts";

/**
 * For unit tests only: the spend script's semantics over a Map, one atomic step between two
 * awaits of `gate` (so a test scheduler interleaves instances), with EVALSHA's NOSCRIPT until the
 * script is first sent by EVAL, and an outage switch. Integration tests use a real Redis.
 */
export class FakeRedis implements CreditRedis {
  readonly values = new Map<string, string>();
  private loaded = false;
  down = false;
  calls = 0;

  constructor(private readonly gate: () => Promise<void> = async () => {}) {}

  private async step<T>(fn: () => T): Promise<T> {
    this.calls++;
    await this.gate();
    if (this.down) throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
    const out = fn();
    await this.gate();
    return out;
  }

  private spend(key: string, cost: number, initial: string | number): [number, number] {
    const stored = this.values.get(key) ?? (initial === "" ? undefined : String(initial));
    if (stored === undefined) return [-1, 0];
    let value = Number(stored);
    let allowed = 0;
    if (value >= cost) {
      value -= cost;
      allowed = 1;
    }
    this.values.set(key, String(value));
    return [allowed, value];
  }

  evalsha(sha: string, _numKeys: number, ...args: (string | number)[]): Promise<unknown> {
    return this.step(() => {
      if (!this.loaded || sha !== SPEND_SHA) throw new Error("NOSCRIPT No matching script.");
      const [key, cost, initial] = args;
      return this.spend(String(key), Number(cost), initial ?? "");
    });
  }

  eval(script: string, _numKeys: number, ...args: (string | number)[]): Promise<unknown> {
    return this.step(() => {
      if (script !== SPEND_SCRIPT) throw new Error("ERR unknown script");
      this.loaded = true;
      const [key, cost, initial] = args;
      return this.spend(String(key), Number(cost), initial ?? "");
    });
  }

  mget(...keys: string[]): Promise<(string | null)[]> {
    return this.step(() => keys.map((key) => this.values.get(key) ?? null));
  }
}
