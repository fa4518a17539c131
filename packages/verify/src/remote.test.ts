import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { generateApiKey } from "./key-format.ts";
import { createRemoteVerifier } from "./remote.ts";

const caller = generateApiKey("lk", "live").key;
const checked = generateApiKey("lk", "live").key;

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A stand-in for Latchkey's verify route. */
async function latchkey(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const sockets = new Set<unknown>();
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => handle(req, body, res));
  });
  server.on("connection", (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => sockets.size,
  };
}

describe("createRemoteVerifier", () => {
  it("posts the input with the caller key and returns the route's verdict, over kept-alive connections", async () => {
    const seen: { auth?: string; body: unknown; path?: string }[] = [];
    const route = await latchkey((req, body, res) => {
      seen.push({ auth: req.headers.authorization, body: JSON.parse(body), path: req.url });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ valid: true, code: "valid", keyId: "k1" }));
    });
    const verifier = createRemoteVerifier({ baseUrl: route.baseUrl, apiKey: caller });
    for (let i = 0; i < 5; i++) {
      expect(
        await verifier.verify({
          key: checked,
          scopes: ["customers:read"],
          clientIp: "203.0.113.1",
          endpoint: "GET /v1/things",
          cost: 2,
        }),
      ).toMatchObject({ valid: true, code: "valid", keyId: "k1" });
    }
    expect(seen[0]).toEqual({
      auth: `Bearer ${caller}`,
      path: "/api/v1/keys/verify",
      body: {
        key: checked,
        scopes: ["customers:read"],
        clientIp: "203.0.113.1",
        endpoint: "GET /v1/things",
        cost: 2,
      },
    });
    expect(route.connections()).toBe(1);
    await verifier.close();
  });

  it("fails closed on a 5xx, a refused caller key, a dead server and a timeout, logging no key", async () => {
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);
    let answer: (res: ServerResponse) => void = () => {};
    const route = await latchkey((_req, _body, res) => answer(res));
    const verifier = createRemoteVerifier({
      baseUrl: route.baseUrl,
      apiKey: caller,
      timeoutMs: 200,
      log,
    });
    const unavailable = { valid: false, code: "verification_unavailable" };

    answer = (res) => res.writeHead(503).end(JSON.stringify(unavailable));
    expect(await verifier.verify({ key: checked })).toEqual(unavailable);
    answer = (res) => res.writeHead(500).end("oops");
    expect(await verifier.verify({ key: checked })).toEqual(unavailable);
    answer = (res) =>
      res
        .writeHead(401, { "content-type": "application/problem+json" })
        .end(JSON.stringify({ code: "key_revoked" }));
    expect(await verifier.verify({ key: checked })).toEqual(unavailable);
    answer = () => {}; // never answers
    const started = Date.now();
    expect(await verifier.verify({ key: checked })).toEqual(unavailable);
    expect(Date.now() - started).toBeLessThan(2000);

    expect(logs.some((m) => m.includes("401 key_revoked"))).toBe(true);
    expect(logs.some((m) => m.includes("timed out"))).toBe(true);
    for (const message of logs) {
      expect(message).not.toContain(caller);
      expect(message).not.toContain(checked);
    }
    await verifier.close();

    const dead = createRemoteVerifier({ baseUrl: "http://127.0.0.1:9", apiKey: caller, log });
    expect(await dead.verify({ key: checked })).toEqual(unavailable);
    await dead.close();
  });

  it("throws on input the route would refuse as a bad body", async () => {
    const verifier = createRemoteVerifier({ baseUrl: "http://127.0.0.1:9", apiKey: caller });
    await expect(verifier.verify({ key: checked, cost: 1001 })).rejects.toThrow(/cost/);
    await expect(verifier.verify({ key: checked, endpoint: "x".repeat(201) })).rejects.toThrow(
      /endpoint/,
    );
    await verifier.close();
  });

  it("answers what the client sent as direct mode does, not as a bad body of the service's", async () => {
    const seen: unknown[] = [];
    const route = await latchkey((_req, body, res) => {
      seen.push(JSON.parse(body));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ valid: true, code: "valid" }));
    });
    const verifier = createRemoteVerifier({ baseUrl: route.baseUrl, apiKey: caller });
    const unknown = {
      valid: false,
      code: "invalid_key",
      keyId: null,
      organizationId: null,
      name: null,
      scopes: [],
      environment: null,
      expiresAt: null,
      rateLimit: null,
      credits: null,
    };
    // Malformed keys (longer than the route takes, too) are unknown without a call.
    for (const key of [
      "lk_live_notakey",
      `lk_live_${"a".repeat(300)}`,
      `${checked.slice(0, -1)}x`,
    ]) {
      expect(await verifier.verify({ key })).toEqual(unknown);
    }
    expect(seen).toEqual([]);
    // An address that is none (a forged X-Forwarded-For behind `trust proxy`) is no address.
    for (const clientIp of ["not-an-ip", "203.0.113.7, 10.0.0.1", "1".repeat(65)]) {
      await verifier.verify({ key: checked, clientIp });
    }
    await verifier.verify({ key: ` ${checked} `, clientIp: "::ffff:203.0.113.7" });
    expect(seen).toEqual([
      { key: checked },
      { key: checked },
      { key: checked },
      { key: checked, clientIp: "::ffff:203.0.113.7" },
    ]);
    await verifier.close();
  });
});
