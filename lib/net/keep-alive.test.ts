import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { KEEP_ALIVE_TIMEOUT_MS, keepConnectionsLongerThanBalancers } from "./keep-alive";

it("keeps idle connections open longer than a balancer's 60 s, and says so in Keep-Alive", async () => {
  const server = createServer((_req, res) => res.end("ok"));
  keepConnectionsLongerThanBalancers(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const header = await new Promise<string | undefined>((resolve, reject) => {
      request({ port, host: "127.0.0.1", headers: { connection: "keep-alive" } }, (res) => {
        res.resume();
        resolve(String(res.headers["keep-alive"]));
      })
        .on("error", reject)
        .end();
    });
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    expect(header).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
