import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { UsageBuffer } from "@latchkey/verify/usage";
import { writeUsage } from "@latchkey/verify/usage-sql";
import { eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { executeRows, getDb } from "@/db";
import { claimDueDeliveries } from "@/db/queries/webhooks";
import { webhookDeliveries } from "@/db/schema";
import { appSql } from "@/db/sql";
import type { Actor } from "@/lib/keys/service/audit";
import { changeKeyStatus } from "@/lib/keys/service/status";
import { updateKey } from "@/lib/keys/service/update";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey } from "@/tests/factories";
import { startReceiver } from "@/tests/webhook-receiver";
import { enqueueKeyEvent } from "./enqueue";
import { secretKeyMaterial } from "./secret";
import { checkWebhookTarget, type Resolver } from "./ssrf";
import { pinnedHttpTransport } from "./transport";
import { WebhookWorker, type WorkerDeps } from "./worker";

process.env.WEBHOOK_SECRET_KEY = "test-webhook-secret-key-material-0123456789";

const database = withTestDatabase();
const logLines: string[] = [];
const secrets: string[] = [];
const consoleSpies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
  vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(" "));
  }),
);

let actor: Actor;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

beforeAll(async () => {
  const { org, owner } = await createOrg("Hooks");
  actor = { organizationId: org.id, userId: owner.id, label: "Owner <owner@example.test>" };
});
afterEach(async () => {
  // Every test leaves an empty outbox behind for the next.
  await getDb().delete(webhookDeliveries);
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  for (const spy of consoleSpies) spy.mockRestore();
});

function worker(overrides: Partial<WorkerDeps> = {}) {
  return new WebhookWorker({
    db: () => getDb(),
    transport: pinnedHttpTransport,
    secretKeyMaterial: secretKeyMaterial(),
    allowPrivate: true,
    log: (line) => logLines.push(line),
    ...overrides,
  });
}

async function keyWithWebhook(url: string, name = "Hooked") {
  const created = await createTestKey(actor, { name, webhookUrl: url });
  if (!created.webhookSecret) throw new Error("no webhook secret");
  secrets.push(created.webhookSecret, created.key);
  return created as typeof created & { webhookSecret: string };
}

const deliveries = () => getDb().select().from(webhookDeliveries);

/** Ticks until a tick claims nothing. */
async function drain(w: WebhookWorker) {
  while ((await w.tick()) > 0) {}
}

describe("webhook delivery", () => {
  it("sends one signed event per key change, and never again once delivered", async () => {
    const r = await receiver();
    const key = await keyWithWebhook(r.url);
    await updateKey(getDb(), actor, key.id, { name: "Hooked renamed" });
    await changeKeyStatus(getDb(), actor, [key.id], "disable");
    await changeKeyStatus(getDb(), actor, [key.id], "enable");
    await changeKeyStatus(getDb(), actor, [key.id], "revoke");

    const w = worker();
    await drain(w);
    expect(r.received).toHaveLength(5);
    const verifier = new Webhook(key.webhookSecret);
    const events = r.received.map((m) => {
      const payload = verifier.verify(m.body, m.headers as Record<string, string>) as {
        type: string;
        timestamp: string;
        data: Record<string, unknown>;
      };
      expect(m.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
      expect(payload.data).toMatchObject({ keyId: key.id, organizationId: actor.organizationId });
      expect(Number.isNaN(Date.parse(payload.timestamp))).toBe(false);
      return payload.type;
    });
    expect(events.sort()).toEqual(
      ["key.created", "key.disabled", "key.enabled", "key.revoked", "key.updated"].sort(),
    );
    // A tampered body does not verify.
    const first = r.received[0];
    expect(() =>
      verifier.verify(`${first?.body} `, first?.headers as Record<string, string>),
    ).toThrow();

    expect((await deliveries()).every((d) => d.status === "delivered" && d.attempts === 1)).toBe(
      true,
    );
    // Days later, nothing is sent again.
    await drain(worker({ clock: () => new Date(Date.now() + 3 * 86_400_000) }));
    expect(r.received).toHaveLength(5);
  });

  it("writes no event for keys without a webhook, nor for a change rolled back", async () => {
    const r = await receiver();
    const hooked = await keyWithWebhook(r.url);
    await getDb().delete(webhookDeliveries);
    await expect(
      getDb().transaction(async (tx) => {
        await enqueueKeyEvent(
          tx,
          { id: hooked.id, organizationId: actor.organizationId, webhookUrl: r.url },
          "key.updated",
        );
        throw new Error("the change fails after its event was written");
      }),
    ).rejects.toThrow("the change fails");
    await changeKeyStatus(getDb(), actor, [hooked.id], "revoke");
    await expect(updateKey(getDb(), actor, hooked.id, { name: "Too late" })).rejects.toThrow();
    expect((await deliveries()).map((d) => d.eventType)).toEqual(["key.revoked"]);
    await getDb().delete(webhookDeliveries);

    const created = await createTestKey(actor, { name: "Plain" });
    expect(created.webhookSecret).toBeUndefined();
    await changeKeyStatus(getDb(), actor, [created.id], "disable");
    expect(await deliveries()).toHaveLength(0);
  });

  it("retries 500s with growing delays and delivers on the 4th attempt", async () => {
    const r = await receiver((n) => (n < 3 ? 500 : 200));
    const key = await keyWithWebhook(r.url);
    let now = new Date(Date.now() + 1000);
    const w = worker({ clock: () => now });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect(await w.tick()).toBe(1);
      const [row] = await getDb()
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.keyId, key.id));
      if (!row) throw new Error("row missing");
      if (row.status === "delivered") break;
      // Not due a moment before its time.
      expect(await w.tick()).toBe(0);
      delays.push(row.nextAttemptAt.getTime() - now.getTime());
      now = row.nextAttemptAt;
    }
    expect(r.received).toHaveLength(4);
    expect(delays).toHaveLength(3);
    expect(delays[1]).toBeGreaterThan(delays[0] as number);
    expect(delays[2]).toBeGreaterThan(delays[1] as number);
    const [row] = await deliveries();
    expect(row).toMatchObject({ status: "delivered", attempts: 4, lastStatusCode: 200 });
    expect(new Set(r.received.map((m) => m.headers["webhook-id"])).size).toBe(1);
  });

  it("keeps retrying for 24 hours, then marks the delivery failed", async () => {
    const r = await receiver(() => 503);
    await keyWithWebhook(r.url);
    const [queued] = await deliveries();
    const created = queued?.createdAt.getTime() ?? 0;
    let now = new Date(created + 1000);
    const w = worker({ clock: () => now });
    let last = now;
    for (let i = 0; i < 200; i++) {
      last = now;
      await w.tick();
      const [row] = await deliveries();
      if (row?.status !== "pending") break;
      now = row.nextAttemptAt;
    }
    const [row] = await deliveries();
    expect(row).toMatchObject({ status: "failed", lastStatusCode: 503 });
    expect(last.getTime() - created).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(r.received.length).toBe(row?.attempts);
  });

  it("delivers an event whose worker died between claiming and sending", async () => {
    const r = await receiver();
    await keyWithWebhook(r.url);
    const now = new Date(Date.now() + 1000);
    // A worker claims the row, then its process dies before sending.
    const lost = await claimDueDeliveries(getDb(), {
      now,
      leaseUntil: new Date(now.getTime() + 60_000),
      limit: 10,
    });
    expect(lost).toHaveLength(1);
    let later = now;
    const w = worker({ clock: () => later });
    expect(await w.tick()).toBe(0);
    later = new Date(now.getTime() + 61_000);
    expect(await w.tick()).toBe(1);
    expect(r.received).toHaveLength(1);
    expect((await deliveries())[0]).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("on stop, lets the attempt in flight finish, or gives its row back", async () => {
    const waiting: ServerResponse[] = [];
    const slow = createServer((req, res) => {
      req.resume();
      waiting.push(res);
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks`;
    try {
      await keyWithWebhook(url);
      const patient = worker({ pollMs: 10_000 });
      patient.start();
      await expect.poll(() => waiting.length).toBe(1);
      const stopped = patient.stop(60_000);
      waiting[0]?.writeHead(200).end();
      await stopped;
      expect((await deliveries())[0]).toMatchObject({ status: "delivered", attempts: 1 });

      await getDb().delete(webhookDeliveries);
      await keyWithWebhook(url);
      const hasty = worker({ pollMs: 10_000 });
      hasty.start();
      await expect.poll(() => waiting.length).toBe(2);
      await hasty.stop(0);
      // Back in the queue, untouched: the next worker sends it.
      expect((await deliveries())[0]).toMatchObject({
        status: "pending",
        attempts: 0,
        lockedUntil: null,
      });
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it("two workers on one PostgreSQL database never send an event twice", async () => {
    if (database.client().kind !== "postgres") return; // PGlite runs one process, one worker.
    const r = await receiver();
    for (let i = 0; i < 8; i++) {
      const key = await keyWithWebhook(r.url, `Pair ${i}`);
      await changeKeyStatus(getDb(), actor, [key.id], "disable");
      await changeKeyStatus(getDb(), actor, [key.id], "enable");
    }
    const a = worker({ concurrency: 3 });
    const b = worker({ concurrency: 3 });
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    const ids = r.received.map((m) => m.headers["webhook-id"]);
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
  });

  it("refuses private and loopback targets without the flag, with the reason in the log", async () => {
    const r = await receiver();
    await keyWithWebhook(`https://127.0.0.1:${r.port}/hooks`);
    await drain(worker({ allowPrivate: false }));
    expect(r.received).toHaveLength(0);
    const [row] = await deliveries();
    expect(row?.status).toBe("failed");
    expect(row?.lastError).toContain("127.0.0.1 is a loopback address");
  });

  it.each([301, 302, 303, 307, 308])(
    "does not follow a %i redirect to another receiver, and counts it as a failed attempt",
    async (status) => {
      const elsewhere = await receiver();
      const r = await receiver(() => ({ status, headers: { location: elsewhere.url } }));
      await keyWithWebhook(r.url);
      expect(await worker().tick()).toBe(1);
      expect(r.received).toHaveLength(1);
      expect(elsewhere.received).toHaveLength(0);
      const [row] = await deliveries();
      expect(row).toMatchObject({
        status: "pending",
        attempts: 1,
        lastStatusCode: status,
        lastError: `HTTP ${status} (redirects are not followed)`,
        deliveredAt: null,
      });
      // Retried later, to the same URL, and still never to the redirect's target.
      const later = new Date((row?.nextAttemptAt.getTime() ?? 0) + 1000);
      expect(await worker({ clock: () => later }).tick()).toBe(1);
      expect(r.received).toHaveLength(2);
      expect(elsewhere.received).toHaveLength(0);
      expect((await deliveries())[0]).toMatchObject({ status: "pending", attempts: 2 });
    },
  );

  it("checks the host's address again at send time", async () => {
    const r = await receiver();
    let answer = "93.184.215.14";
    const resolver: Resolver = async () => [{ address: answer, family: 4 }];
    const url = `https://hooks.example.com:${r.port}/hooks`;
    // Public when the URL is saved…
    expect(await checkWebhookTarget(url, { allowPrivate: false, resolver })).toMatchObject({
      ok: true,
    });
    await keyWithWebhook(url);
    // …and pointing at the loopback interface when the event is sent.
    answer = "127.0.0.1";
    await drain(worker({ allowPrivate: false, resolver }));
    expect(r.received).toHaveLength(0);
    const [row] = await deliveries();
    expect(row).toMatchObject({ status: "failed" });
    expect(row?.lastError).toBe(
      "Refused: hooks.example.com resolves to 127.0.0.1 is a loopback address.",
    );
  });

  it("connects to the address it checked, not to a second DNS answer", async () => {
    const r = await receiver();
    // hooks.invalid has no DNS entry: only the injected resolver knows it, so a delivery proves
    // the connection used the checked address.
    const resolver: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
    await keyWithWebhook(`http://hooks.invalid:${r.port}/hooks`);
    await drain(worker({ resolver }));
    expect(r.received).toHaveLength(1);
    expect(r.received[0]?.headers.host).toBe(`hooks.invalid:${r.port}`);
  });

  it("queues key.rate_limited from the usage flush, once per key and minute", async () => {
    const r = await receiver();
    const key = await keyWithWebhook(r.url);
    await getDb().delete(webhookDeliveries);
    const usage = new UsageBuffer({ write: (batch) => writeUsage(appSql, batch), flushMs: 60_000 });
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const event = {
      keyId: key.id,
      organizationId: actor.organizationId,
      method: "GET",
      endpoint: "/api/v1/me",
      status: 429,
      durationMs: 1,
      verified: false,
      rateLimited: true,
    };
    for (let i = 0; i < 50; i++) usage.record({ ...event, at: minute + i });
    usage.record({ ...event, at: minute + 60_000 });
    usage.record({ ...event, status: 403, rateLimited: false, at: minute + 120_000 });
    await usage.flush();
    usage.record({ ...event, at: minute + 5 });
    await usage.flush();
    const rows = await deliveries();
    expect(rows.map((d) => d.eventType)).toEqual(["key.rate_limited", "key.rate_limited"]);
    await drain(worker());
    const types = r.received.map((m) => JSON.parse(m.body).type);
    expect(types).toEqual(["key.rate_limited", "key.rate_limited"]);
  });

  it("sweeps key.expiring and key.expired once, and keeps the log 30 days", async () => {
    const r = await receiver();
    const soon = await keyWithWebhook(r.url, "Soon");
    const gone = await keyWithWebhook(r.url, "Gone");
    const later = await keyWithWebhook(r.url, "Later");
    await getDb().delete(webhookDeliveries);
    await getDb().execute(sql`
      update api_keys set expires_at = case id
        when ${soon.id}::uuid then now() + interval '3 days'
        when ${gone.id}::uuid then now() - interval '1 hour'
        else now() + interval '30 days' end
      where id in (${soon.id}::uuid, ${gone.id}::uuid, ${later.id}::uuid)`);
    const w = worker();
    expect(await w.sweep()).toEqual({ queued: 2, deleted: 0 });
    expect(await w.sweep()).toEqual({ queued: 0, deleted: 0 });
    const rows = await deliveries();
    expect(rows.map((d) => `${d.eventType}:${d.keyId}`).sort()).toEqual(
      [`key.expired:${gone.id}`, `key.expiring:${soon.id}`].sort(),
    );
    await getDb().execute(
      sql`update webhook_deliveries set created_at = now() - interval '31 days' where key_id = ${gone.id}::uuid`,
    );
    expect((await w.sweep()).deleted).toBe(1);
    const left = await executeRows<{ n: number }>(
      getDb(),
      sql`select count(*)::int as n from webhook_deliveries`,
    );
    expect(left[0]?.n).toBe(1);
  });

  it("stores the signing secret encrypted and never logs it", async () => {
    const r = await receiver(() => 500);
    const key = await keyWithWebhook(r.url);
    await drain(worker());
    const rows = await executeRows<{ enc: string }>(
      getDb(),
      sql`select webhook_secret_enc as enc from api_keys where id = ${key.id}::uuid`,
    );
    const enc = rows[0]?.enc ?? "";
    expect(enc).toMatch(/^v1\./);
    expect(enc).not.toContain(key.webhookSecret.slice(6, 20));
    secrets.push(enc);
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const line of logLines) {
        expect(line).not.toContain(secret);
        expect(line).not.toContain(secret.slice(6, 26));
      }
    }
  });
});
