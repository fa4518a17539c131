import { afterEach, describe, expect, it } from "vitest";
import { onShutdown, shutDown } from "./shutdown";

const bounds = { drainMs: 50, hooksMs: 50, afterMs: 50 };
const registered: string[] = [];
const hook = (name: string, fn: () => Promise<void>) => {
  registered.push(name);
  onShutdown(name, fn);
};

afterEach(() => {
  for (const name of registered.splice(0)) onShutdown(name, async () => {});
});

describe("shutDown", () => {
  it("runs the hooks after requests that never finish: they are cut at drainMs, then flushed", async () => {
    const steps: string[] = [];
    hook("flush", async () => {
      steps.push("flush");
    });
    const clean = await shutDown(
      (cut) =>
        new Promise<void>(() => {
          // A slow upload: the server never closes on its own, only when told to cut.
          cut.addEventListener("abort", () => steps.push("cut"));
        }),
      () => {
        steps.push("after");
      },
      { bounds },
    );
    expect(steps).toEqual(["cut", "flush", "after"]);
    expect(clean).toBe(true);
  });

  it("waits for requests that finish in time, and flushes before closing the database", async () => {
    const steps: string[] = [];
    hook("flush", async () => {
      steps.push("flush");
    });
    await shutDown(
      async () => {
        await new Promise((r) => setTimeout(r, 10));
        steps.push("drained");
      },
      () => {
        steps.push("after");
      },
      { bounds: { ...bounds, drainMs: 1_000 } },
    );
    expect(steps).toEqual(["drained", "flush", "after"]);
  });

  it("a cut (second signal) ends the wait at once, and the hooks still run", async () => {
    const steps: string[] = [];
    hook("flush", async () => {
      steps.push("flush");
    });
    const cut = new AbortController();
    const started = Date.now();
    const done = shutDown(
      () => new Promise<void>(() => {}),
      () => {},
      { bounds: { ...bounds, drainMs: 60_000 }, cut },
    );
    setTimeout(() => cut.abort(), 10);
    await done;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(steps).toEqual(["flush"]);
  });

  it("bounds a hook that hangs and a failing before/after, and reports it", async () => {
    hook("hangs", () => new Promise<void>(() => {}));
    const flushed: string[] = [];
    hook("flush", async () => {
      flushed.push("flush");
    });
    const clean = await shutDown(
      () => {
        throw new Error("close failed");
      },
      () => Promise.reject(new Error("end failed")),
      { bounds },
    );
    expect(flushed).toEqual(["flush"]);
    expect(clean).toBe(false);
  });
});
