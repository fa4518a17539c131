import { afterEach, describe, expect, it, vi } from "vitest";
import { KeyCache } from "./cache.ts";
import { KeyChangeListener, type ListenFn } from "./listener.ts";

afterEach(() => vi.useRealTimers());

/** A listener on a fake channel: `deliver` plays a notification, `connected` drops pings. */
function setup(options: { listen?: ListenFn; notify?: (payload: string) => Promise<void> } = {}) {
  const cache = new KeyCache();
  const state = {
    now: 0,
    connected: true,
    deliver: undefined as ((payload: string) => void) | undefined,
    sent: [] as string[],
    errors: [] as unknown[],
    unlistened: 0,
  };
  const listen: ListenFn =
    options.listen ??
    (async (_channel, onMessage) => {
      state.deliver = onMessage;
      return async () => {
        state.unlistened++;
      };
    });
  const listener = new KeyChangeListener({
    cache,
    channel: "c",
    heartbeatMs: 1000,
    now: () => state.now,
    listen,
    notify: async (_channel, payload) => {
      state.sent.push(payload);
      await options.notify?.(payload);
      if (state.connected) state.deliver?.(payload);
    },
    onError: (error) => state.errors.push(error),
  });
  return { cache, listener, state };
}

describe("KeyChangeListener", () => {
  it("pings with a payload of its own that other instances recognise as a ping", async () => {
    const a = setup();
    const b = setup();
    await a.listener.start();
    await b.listener.start();
    expect(a.state.sent[0]).toMatch(/^__ping__:.+/);
    expect(a.state.sent[0]).not.toBe(b.state.sent[0]);
    await a.listener.stop();
    await b.listener.stop();
  });

  it("ignores another instance's ping: no invalidation, no health", async () => {
    const { cache, listener, state } = setup();
    state.connected = false;
    await listener.start();
    cache.set("h", null);
    state.deliver?.("__ping__:someone-else");
    expect(cache.isHealthy).toBe(false);
    expect(cache.epoch).toBe(0);
    expect(cache.get("h")).toBeDefined();
    state.deliver?.("h");
    expect(cache.get("h")).toBeUndefined();
    await listener.stop();
  });

  it("starts from a clean cache when its ping comes back after deafness, and keeps it when healthy", async () => {
    const { cache, listener, state } = setup();
    state.connected = false;
    await listener.start();
    cache.set("while-deaf", null);
    state.connected = true;
    await listener.beat();
    expect(cache.isHealthy).toBe(true);
    expect(cache.get("while-deaf")).toBeUndefined();
    cache.set("while-healthy", null);
    await listener.beat();
    expect(cache.get("while-healthy")).toBeDefined();
    await listener.stop();
  });

  it("turns unhealthy only once the last ping is more than 2.5 heartbeats old", async () => {
    const { cache, listener, state } = setup();
    state.now = 1000;
    await listener.start();
    expect(cache.isHealthy).toBe(true);
    state.connected = false;
    state.now = 3500;
    await listener.beat();
    expect(cache.isHealthy).toBe(true);
    state.now = 3501;
    await listener.beat();
    expect(cache.isHealthy).toBe(false);
    await listener.stop();
  });

  it("beats every heartbeat on an unref'd timer, and not after stop", async () => {
    vi.useFakeTimers();
    const { cache, listener, state } = setup();
    await listener.start();
    expect(state.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.sent).toHaveLength(2);
    const timer = (listener as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    await listener.stop();
    expect(state.unlistened).toBe(1);
    expect(cache.isHealthy).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    await listener.beat();
    expect(state.sent).toHaveLength(2);
  });

  it("reports a failed subscription, retries it on the next beat, and stops cleanly without one", async () => {
    let attempts = 0;
    const failure = new Error("no connection");
    const { listener, state } = setup({
      listen: async () => {
        attempts++;
        throw failure;
      },
    });
    await listener.start();
    // The start's own beat already tries again.
    expect(attempts).toBe(2);
    expect(state.errors).toEqual([failure, failure]);
    await listener.beat();
    expect(attempts).toBe(3);
    await expect(listener.stop()).resolves.toBeUndefined();
  });

  it("survives failed subscriptions and pings without an error callback", async () => {
    const listener = new KeyChangeListener({
      cache: new KeyCache(),
      channel: "c",
      listen: async () => {
        throw new Error("no connection");
      },
      notify: async () => {
        throw new Error("no connection");
      },
    });
    await expect(listener.start()).resolves.toBeUndefined();
    await expect(listener.beat()).resolves.toBeUndefined();
    await listener.stop();
  });

  it("a closed subscription clears the cache at once, then the next beat subscribes again", async () => {
    const closers: (() => void)[] = [];
    let unlistened = 0;
    const { cache, listener, state } = setup({
      listen: async (_channel, onMessage, onClose) => {
        state.deliver = onMessage;
        closers.push(() => onClose?.());
        return async () => {
          unlistened++;
        };
      },
    });
    await listener.start();
    cache.set("cached", null);
    expect(cache.isHealthy).toBe(true);
    // The connection drops: no heartbeat needed to notice, and nothing cached survives it.
    state.connected = false;
    closers[0]?.();
    expect(cache.isHealthy).toBe(false);
    expect(cache.get("cached")).toBeUndefined();
    expect(unlistened).toBe(1);
    expect(state.errors).toHaveLength(1);
    // A late report from the same, already replaced, subscription changes nothing.
    closers[0]?.();
    expect(state.errors).toHaveLength(1);
    state.connected = true;
    await listener.beat();
    expect(closers).toHaveLength(2);
    expect(cache.isHealthy).toBe(true);
    await listener.stop();
    // Closing on stop is not a loss.
    closers[1]?.();
    expect(state.errors).toHaveLength(1);
  });

  it("subscribes once while the subscription holds, and reports a failed ping", async () => {
    let listens = 0;
    const failure = new Error("notify failed");
    const { listener, state } = setup({
      listen: async () => {
        listens++;
        return async () => {};
      },
      notify: async () => {
        throw failure;
      },
    });
    await listener.start();
    await listener.beat();
    expect(listens).toBe(1);
    expect(state.errors).toEqual([failure, failure]);
    await listener.stop();
  });
});
