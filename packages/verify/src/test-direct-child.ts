/**
 * A direct verifier in a process of its own, driven over stdin/stdout one JSON line at a time
 * (integration tests: a revocation must reach another process). In: `{"id", "input"}` per
 * verification, or `{"id", "close": true}`. Out: `{"id", "outcome", "notified"}`, where
 * `notified` says whether this process had heard of a change to the key before verifying it.
 * Environment: LATCHKEY_DATABASE_URL, LATCHKEY_ORGANIZATION_ID.
 */
import { createInterface } from "node:readline";
import { createDirectVerifier } from "./direct.ts";
import { hashApiKey } from "./key-format.ts";

const verifier = createDirectVerifier({
  databaseUrl: process.env.LATCHKEY_DATABASE_URL as string,
  organizationId: process.env.LATCHKEY_ORGANIZATION_ID as string,
  flushMs: 600_000,
});
// The hashes the change listener has been told of, seen from inside (a private method: test only).
const heard = new Set<string>();
const listener = verifier.runtime.listener as unknown as { onMessage(payload: string): void };
const onMessage = listener.onMessage.bind(listener);
listener.onMessage = (payload) => {
  heard.add(payload);
  onMessage(payload);
};
await verifier.ready();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const message = JSON.parse(line) as { id: number; input?: { key: string }; close?: boolean };
  if (message.close) {
    await verifier.close();
    process.stdout.write(`${JSON.stringify({ id: message.id, closed: true })}\n`);
    break;
  }
  const input = message.input as { key: string };
  const notified = heard.has(hashApiKey(input.key));
  const outcome = await verifier.verify(input);
  process.stdout.write(`${JSON.stringify({ id: message.id, outcome, notified })}\n`);
}
