// An Express service whose routes only Latchkey keys may call.
// Direct mode (in-process, against Latchkey's PostgreSQL): LATCHKEY_DATABASE_URL +
// LATCHKEY_ORGANIZATION_ID (whose keys are accepted) [+ LATCHKEY_REDIS_URL].
// Remote mode (one call of Latchkey's verify route per request): LATCHKEY_URL + LATCHKEY_API_KEY.

import { createDirectVerifier, createRemoteVerifier } from "@latchkey/verify";
import { expressApiKey } from "@latchkey/verify/express";
import express from "express";

const env = process.env;
const verifier = env.LATCHKEY_DATABASE_URL
  ? createDirectVerifier({
      databaseUrl: env.LATCHKEY_DATABASE_URL,
      organizationId: env.LATCHKEY_ORGANIZATION_ID,
      redisUrl: env.LATCHKEY_REDIS_URL,
      flushMs: env.USAGE_FLUSH_MS ? Number(env.USAGE_FLUSH_MS) : undefined,
    })
  : createRemoteVerifier({ baseUrl: env.LATCHKEY_URL, apiKey: env.LATCHKEY_API_KEY });

const things = new Map([["1", { id: "1", name: "First thing" }]]);
const app = express();
app.use(express.json());

app.get("/v1/things", expressApiKey(verifier, { scopes: ["customers:read"] }), (req, res) => {
  res.json({ data: [...things.values()], key: req.apiKey.name });
});

app.post(
  "/v1/things/:id/run",
  expressApiKey(verifier, { scopes: ["customers:write"], cost: 5 }),
  (req, res) => {
    const thing = things.get(req.params.id);
    if (!thing) return res.status(404).json({ error: "no such thing" });
    res.status(202).json({ ran: thing.id });
  },
);

// Not protected: the baseline the benchmark compares against.
app.get("/health", (_req, res) => res.json({ ok: true }));

const server = app.listen(Number(env.PORT ?? 4000), env.HOST ?? "127.0.0.1", () => {
  const { port } = server.address();
  console.info(
    `example API on http://127.0.0.1:${port} (${env.LATCHKEY_DATABASE_URL ? "direct" : "remote"})`,
  );
});

// Usage and credits are buffered: flush them before exiting.
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections?.();
    verifier.close().finally(() => process.exit(0));
  });
}
