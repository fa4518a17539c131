import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { webhookDeliveries } from "@/db/schema";
import type { Actor } from "@/lib/keys/service/audit";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { startReceiver } from "@/tests/webhook-receiver";
import { secretKeyMaterial } from "./secret";
import type { Resolver } from "./ssrf";
import { pinnedHttpTransport } from "./transport";
import { WebhookWorker, type WorkerDeps } from "./worker";

process.env.WEBHOOK_SECRET_KEY = "test-webhook-secret-key-material-0123456789";

withTestDatabase();
vi.spyOn(console, "info").mockImplementation(() => {});

const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
const workers: WebhookWorker[] = [];
function worker(overrides: Partial<WorkerDeps> = {}) {
  const w = new WebhookWorker({
    db: () => getDb(),
    transport: pinnedHttpTransport,
    secretKeyMaterial: secretKeyMaterial(),
    allowPrivate: true,
    log: () => {},
    pollMs: 50,
    ...overrides,
  });
  workers.push(w);
  return w;
}

async function actorOf(name: string): Promise<Actor> {
  const { org, owner } = await createOrg(name);
  return { organizationId: org.id, userId: owner.id, label: `Owner of ${name}` };
}

let slowOrg: Actor;
let fastOrg: Actor;
beforeAll(async () => {
  slowOrg = await actorOf("Slow receiver");
  fastOrg = await actorOf("Fast receiver");
});
afterEach(async () => {
  // Stopping at once cuts hanging attempts short and gives their rows back.
  await Promise.all(workers.splice(0).map((w) => w.stop(0)));
  await getDb().delete(webhookDeliveries);
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

const deliveriesOf = (organizationId: string) =>
  getDb()
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.organizationId, organizationId));

/** The most requests `r` held open at once while `during` ran. */
async function peakHanging(r: { hanging: () => number }, during: () => Promise<void>) {
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, r.hanging());
  }, 10);
  try {
    await during();
  } finally {
    clearInterval(sample);
  }
  return Math.max(peak, r.hanging());
}

describe("webhook delivery fairness", () => {
  it("one organization's silent receiver does not hold up another organization's events", async () => {
    const silent = await receiver(() => "hang");
    // 40 events queued first, each to a receiver that never answers.
    for (let i = 0; i < 40; i++) {
      await createTestKey(slowOrg, { name: `Slow ${i}`, webhookUrl: silent.url });
    }
    const w = worker();
    w.start();
    await expect.poll(() => silent.received.length, { timeout: 10_000 }).toBeGreaterThan(0);

    const fast = await receiver();
    let waited = 0;
    const peak = await peakHanging(silent, async () => {
      const queuedAt = Date.now();
      await createTestKey(fastOrg, { name: "Fast", webhookUrl: fast.url });
      await expect.poll(() => fast.received.length, { timeout: 60_000, interval: 20 }).toBe(1);
      waited = Date.now() - queuedAt;
    });
    // Each of the silent receiver's attempts takes the full 10 s timeout; batches of them used to
    // stand in front of this event for 40 s.
    expect(waited).toBeLessThan(3_000);
    // The silent organization holds its share of the slots, not all of them.
    expect(peak).toBeLessThanOrEqual(3);
    expect(silent.received.length).toBeLessThanOrEqual(3);
    await expect
      .poll(async () => (await deliveriesOf(fastOrg.organizationId))[0])
      .toMatchObject({ status: "delivered", attempts: 1 });
  }, 120_000);

  it("a slow attempt holds only its own slot: the same organization's other events keep flowing", async () => {
    const silent = await receiver(() => "hang");
    const fast = await receiver();
    await createTestKey(slowOrg, { name: "Silent", webhookUrl: silent.url });
    for (let i = 0; i < 15; i++) {
      await createTestKey(slowOrg, { name: `Fast ${i}`, webhookUrl: fast.url });
    }
    const started = Date.now();
    worker().start();
    await expect.poll(() => fast.received.length, { timeout: 60_000, interval: 20 }).toBe(15);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(silent.hanging()).toBe(1);
  }, 120_000);

  it("when slow organizations fill every slot, another organization gets the next free one", async () => {
    const silent = await receiver(() => "hang");
    const others = [await actorOf("Slow 2"), slowOrg];
    for (const org of others) {
      for (let i = 0; i < 10; i++) {
        await createTestKey(org, { name: `Slow ${i}`, webhookUrl: silent.url });
      }
    }
    const w = worker({ concurrency: 4, perOrganization: 2, attemptTimeoutMs: 1_000 });
    w.start();
    await expect.poll(() => silent.hanging(), { timeout: 10_000 }).toBe(4);
    const fast = await receiver();
    const queuedAt = Date.now();
    await createTestKey(fastOrg, { name: "Fast", webhookUrl: fast.url });
    await expect.poll(() => fast.received.length, { timeout: 30_000, interval: 20 }).toBe(1);
    // One attempt timeout at most, however long the slow organizations' backlog is.
    expect(Date.now() - queuedAt).toBeLessThan(2_500);
  }, 120_000);

  it("bounds every attempt, the host lookup included, and retries it later", async () => {
    const silent = await receiver(() => "hang");
    await createTestKey(slowOrg, { name: "Silent", webhookUrl: silent.url });
    // A name only this resolver knows, and it never answers.
    const stuck: Resolver = () => new Promise(() => {});
    await createTestKey(slowOrg, { name: "Unresolvable", webhookUrl: "http://hooks.invalid/in" });
    const w = worker({
      attemptTimeoutMs: 300,
      resolver: (host) =>
        host === "hooks.invalid"
          ? stuck(host)
          : Promise.resolve([{ address: "127.0.0.1", family: 4 }]),
    });
    const started = Date.now();
    expect(await w.tick()).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
    const rows = await deliveriesOf(slowOrg.organizationId);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        status: "pending",
        attempts: 1,
        lastError: "Timed out after 0.3 s.",
        lockedUntil: null,
      });
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    }
    // The timed-out connection was closed, not left open.
    await expect.poll(() => silent.hanging()).toBe(0);
  });
});
