/**
 * Latchkey's HTTP server: Next.js behind a thin node:http layer (Next's custom-server API).
 *
 * It exists for one reason Next cannot cover: the client's IP. Next only fills X-Forwarded-For
 * when it is absent, so a client could forge it. Here every request's client IP is taken from the
 * socket (or from a TRUSTED_PROXIES hop), any client-sent copy of our header is dropped, and the
 * result is handed to the app in CLIENT_IP_HEADER.
 */
import { createServer, type IncomingMessage } from "node:http";
import next from "next";
import { closeDb, configureDatabase, migrateDatabase } from "./db";
import { problemBody } from "./lib/api/problem";
import { loadOrCreateAuthSecret } from "./lib/auth/secret";
import { env, setAuthSecret } from "./lib/env";
import { startKeyPolicySweep } from "./lib/keys/policy-sweep";
import { ignoreClosedOutput } from "./lib/log/closed-output";
import { cleanClientIp, withClientIp } from "./lib/net/client-ip-listener";
import { guardRequests } from "./lib/net/guard";
import { type IpRange, parseIpAllowlist } from "./lib/net/ip";
import { keepConnectionsLongerThanBalancers } from "./lib/net/keep-alive";
import { exitOnSignals } from "./lib/shutdown";
import { verifyFastPath } from "./lib/verify/fast-path";
import { startWebhookWorker } from "./lib/webhooks/runtime";

ignoreClosedOutput();

const dev = process.argv.includes("--dev");
// Next.js reads NODE_ENV itself; `npm start` sets it, this covers a bare `node server.ts`.
if (!dev) (process.env as Record<string, string>).NODE_ENV = "production";

function fail(message: string): never {
  console.error(`[latchkey] ${message}`);
  process.exit(1);
}

let config: ReturnType<typeof env>;
try {
  config = env();
} catch (error) {
  fail((error as Error).message);
}

const trusted = parseIpAllowlist(config.TRUSTED_PROXIES);
if (!trusted.ok) fail(`TRUSTED_PROXIES has invalid entries: ${trusted.invalid.join(", ")}`);
const trustedProxies: IpRange[] = trusted.ranges;

if (!config.AUTH_SECRET) setAuthSecret(loadOrCreateAuthSecret(config.DATA_DIR));
configureDatabase(config);

function applyClientIp(req: IncomingMessage): void {
  cleanClientIp(req, trustedProxies);
}

async function main() {
  const { PORT: port, HOSTNAME: hostname } = config;
  try {
    await migrateDatabase();
  } catch (error) {
    const where = config.DATABASE_URL
      ? "PostgreSQL (DATABASE_URL)"
      : `PGlite in ${config.DATA_DIR}`;
    fail(`Could not migrate the database on ${where}: ${(error as Error).message}`);
  }

  // env() again, not `config`: a generated AUTH_SECRET (which encrypts webhook secrets) is in it.
  startWebhookWorker(env());

  const app = next({ dev, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer(
    withClientIp(trustedProxies, (req, res) => {
      // POST /api/v1/keys/verify is answered here, without Next's router (lib/verify/fast-path.ts).
      if (config.VERIFY_FAST_PATH === "on" && verifyFastPath(req, res)) return;
      handle(req, res).catch((error) => {
        console.error("[latchkey] request failed", error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    }),
  );
  keepConnectionsLongerThanBalancers(server);
  // Before Next sees a request: bodies over 1 MiB (413, unread) and methods it cannot route.
  guardRequests(server);
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    // Requests Node cannot parse (oversized or broken headers) never reach Next: answer them in
    // the API's error shape rather than Node's bare 400.
    if (!socket.writable || error.code === "ECONNRESET") return void socket.destroy();
    const large = error.code === "HPE_HEADER_OVERFLOW";
    const status = large ? 431 : 400;
    const body = JSON.stringify(
      large
        ? problemBody(431, "headers_too_large", "The request headers are too large.")
        : problemBody(400, "bad_request", "The request could not be parsed."),
    );
    socket.end(
      `HTTP/1.1 ${status} ${large ? "Request Header Fields Too Large" : "Bad Request"}\r\n` +
        "Content-Type: application/problem+json\r\nX-Content-Type-Options: nosniff\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  const upgrade = app.getUpgradeHandler();
  server.on("upgrade", (req, socket, head) => {
    applyClientIp(req);
    upgrade(req, socket, head);
  });
  server.listen(port, hostname, () => {
    const db = config.DATABASE_URL ? "PostgreSQL" : `PGlite (${config.DATA_DIR}/pglite)`;
    console.info(
      `[latchkey] ready on http://localhost:${port} (${dev ? "dev" : "production"}, ${db})`,
    );
  });

  const stopSweep = startKeyPolicySweep({ intervalMs: config.KEY_POLICY_SWEEP_MS });

  exitOnSignals(
    // Stop accepting, and wait for the requests in flight: their usage must be in the buffer
    // before it is flushed, and they need the database until they answer. Those still open at
    // the deadline (a slow upload) are cut, so the flush runs before the exit and nothing
    // answers after it.
    (cut) =>
      new Promise<void>((resolve) => {
        stopSweep();
        server.close(() => resolve());
        server.closeIdleConnections();
        cut.addEventListener("abort", () => server.closeAllConnections());
      }),
    () => closeDb().catch(() => {}),
  );
}

void main();
