import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { executeRows, getDb } from "@/db";
import { webhookDeliveries } from "@/db/schema";
import { hashApiKey } from "@/lib/keys/format";
import type { Actor } from "@/lib/keys/service/audit";
import { createKey } from "@/lib/keys/service/create";
import { applyLeakReport } from "@/lib/keys/service/leak";
import { rollKey } from "@/lib/keys/service/roll";
import { changeKeyStatus } from "@/lib/keys/service/status";
import { updateKey } from "@/lib/keys/service/update";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createTestKey, keyInput } from "@/tests/factories";

process.env.WEBHOOK_SECRET_KEY = "test-webhook-secret-key-material-0123456789";

withTestDatabase();
vi.spyOn(console, "info").mockImplementation(() => {});

const URL = "https://hooks.example.com/in";
let actor: Actor;

beforeAll(async () => {
  const { org, owner } = await createOrg("Outbox");
  actor = { organizationId: org.id, userId: owner.id, label: "Owner <owner@example.test>" };
});
/** Runs DDL one statement at a time (PGlite prepares each query, which allows only one). */
async function ddl(...statements: string[]) {
  for (const statement of statements) await getDb().execute(sql.raw(statement));
}

afterEach(async () => {
  await ddl(
    "drop trigger if exists refuse_outbox on webhook_deliveries",
    "drop trigger if exists observe_outbox on webhook_deliveries",
    "drop trigger if exists observe_keys on api_keys",
    "drop table if exists tx_observed",
  );
  await getDb().delete(webhookDeliveries);
});

/** Every key change that announces itself to the key's webhook. */
type Change = {
  event: string;
  /** Brings the key to where the change applies (before anything is observed). */
  prepare?: (key: { id: string; key: string }) => Promise<unknown>;
  run: (key: { id: string; key: string }) => Promise<unknown>;
  /** A leak report contains each key on its own: a key's failure is logged, not thrown. */
  logsFailure?: boolean;
  /** Every event the change writes, when it is more than `event`. */
  events?: string[];
};
const changes: Change[] = [
  { event: "key.updated", run: (k) => updateKey(getDb(), actor, k.id, { name: "Renamed" }) },
  { event: "key.disabled", run: (k) => changeKeyStatus(getDb(), actor, [k.id], "disable") },
  {
    event: "key.enabled",
    prepare: (k) => changeKeyStatus(getDb(), actor, [k.id], "disable"),
    run: (k) => changeKeyStatus(getDb(), actor, [k.id], "enable"),
  },
  { event: "key.revoked", run: (k) => changeKeyStatus(getDb(), actor, [k.id], "revoke") },
  { event: "key.rolled", run: (k) => rollKey(getDb(), actor, k.id, "1h", "lk") },
  {
    event: "key.leaked",
    run: (k) => applyLeakReport(getDb(), [{ hash: hashApiKey(k.key), url: null, source: "test" }]),
    logsFailure: true,
    // The default leak policy disables the key: the status change is announced too.
    events: ["key.leaked", "key.disabled"],
  },
];

/** One key with a webhook per change, each ready for its change; the outbox left empty. */
async function hookedKeys() {
  const keys = [];
  for (const change of changes) {
    const key = await createTestKey(actor, { name: "Hooked", webhookUrl: URL });
    await change.prepare?.(key);
    keys.push(key);
  }
  await getDb().delete(webhookDeliveries);
  return keys;
}

/** The error `work` fails with, its causes' messages included (drizzle wraps driver errors). */
async function failure(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    const messages: string[] = [];
    for (let e = error as { message?: string; cause?: unknown } | undefined; e; ) {
      messages.push(String(e.message));
      e = e.cause as typeof e;
    }
    return messages.join(" <- ");
  }
  return "no error";
}

/** What a key change touches: the organization's keys and audit trail. */
async function state() {
  const keys = await executeRows<Record<string, unknown>>(
    getDb(),
    sql`select * from api_keys where organization_id = ${actor.organizationId}::uuid order by id`,
  );
  const audit = await executeRows<{ n: number }>(
    getDb(),
    sql`select count(*)::int as n from audit_logs where organization_id = ${actor.organizationId}::uuid`,
  );
  return { keys, audit: audit[0]?.n };
}

describe("webhook outbox", () => {
  it("a change whose event cannot be written does not happen at all", async () => {
    const keys = await hookedKeys();
    // From now on every outbox insert fails, as it would if the database refused it.
    await ddl(
      `create or replace function refuse_outbox() returns trigger language plpgsql as
        $$ begin raise exception 'outbox insert refused'; end $$`,
      `create trigger refuse_outbox before insert on webhook_deliveries
        for each row execute function refuse_outbox()`,
    );
    const before = await state();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (const [i, change] of changes.entries()) {
        const key = keys[i] as (typeof keys)[number];
        if (change.logsFailure) {
          expect(await change.run(key), change.event).toEqual([]);
          expect(logged.mock.calls.flat().join(" "), change.event).toMatch(/outbox insert refused/);
        } else {
          expect(await failure(change.run(key)), change.event).toMatch(/outbox insert refused/);
        }
      }
    } finally {
      logged.mockRestore();
    }
    expect(
      await failure(createKey(getDb(), actor, keyInput({ name: "New", webhookUrl: URL }), "lk")),
    ).toMatch(/outbox insert refused/);
    expect(await state()).toEqual(before);
  });

  it("writes each event in the very transaction of the change it announces", async () => {
    const keys = await hookedKeys();
    // Records the transaction id of every key change and of every outbox insert.
    await ddl(
      `create table tx_observed
        (source text not null, key_id uuid not null, row_id text not null, txid bigint not null)`,
      `create or replace function observe_tx() returns trigger language plpgsql as $$ begin
        insert into tx_observed values (tg_table_name, (to_jsonb(new) ->> tg_argv[0])::uuid,
          to_jsonb(new) ->> 'id', txid_current());
        return new; end $$`,
      `create trigger observe_keys after insert or update on api_keys
        for each row execute function observe_tx('id')`,
      `create trigger observe_outbox after insert on webhook_deliveries
        for each row execute function observe_tx('key_id')`,
    );
    for (const [i, change] of changes.entries()) {
      await change.run(keys[i] as (typeof keys)[number]);
    }
    await createKey(getDb(), actor, keyInput({ name: "New", webhookUrl: URL }), "lk");
    // Give an event written late (after its commit) the time to show up.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const events = await executeRows<{ event: string; txid: string; changed: string[] }>(
      getDb(),
      sql`
      select d.event_type as event, o.txid::text as txid,
        coalesce((select array_agg(k.txid::text) from tx_observed k
          where k.source = 'api_keys' and k.key_id = o.key_id), '{}') as changed
      from tx_observed o
      join webhook_deliveries d on d.id::text = o.row_id
      where o.source = 'webhook_deliveries'`,
    );
    const types = events.map((e) => e.event).sort();
    expect(types).toEqual(
      [...changes.flatMap((c) => c.events ?? [c.event]), "key.created", "key.created"].sort(),
    );
    for (const e of events) expect(e.changed, e.event).toContain(e.txid);
  });
});
