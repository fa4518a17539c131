/**
 * A direct verifier in a process of its own, driven over stdin/stdout one JSON line at a time
 * (integration tests: a revocation must reach another process). In: `{"id", "input"}` per
 * verification, or `{"id", "close": true}`. Out: `{"id", "outcome"}`. Environment:
 * LATCHKEY_DATABASE_URL, LATCHKEY_ORGANIZATION_ID.
 */
import { createInterface } from "node:readline";
import { createDirectVerifier } from "./direct.ts";

const verifier = createDirectVerifier({
  databaseUrl: process.env.LATCHKEY_DATABASE_URL as string,
  organizationId: process.env.LATCHKEY_ORGANIZATION_ID as string,
  flushMs: 600_000,
});
await verifier.ready();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const message = JSON.parse(line) as { id: number; input?: { key: string }; close?: boolean };
  if (message.close) {
    await verifier.close();
    process.stdout.write(`${JSON.stringify({ id: message.id, closed: true })}\n`);
    break;
  }
  const outcome = await verifier.verify(message.input as { key: string });
  process.stdout.write(`${JSON.stringify({ id: message.id, outcome })}\n`);
}
