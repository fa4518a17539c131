import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { headers: IncomingHttpHeaders; body: string; at: number };

/** A status; a status with headers (e.g. a redirect's `location`); or "hang": never answer. */
export type Answer = number | { status: number; headers?: Record<string, string> } | "hang";

/**
 * A real HTTP endpoint on 127.0.0.1 that records what it receives. `answer` picks each response
 * (by request number, from 0); 200 by default. Requests answered with "hang" stay open until the
 * client gives up or the receiver is closed; `hanging()` counts those still open. `port` 0 picks
 * a free one.
 */
export async function startReceiver(answer: (n: number) => Answer = () => 200, port = 0) {
  const received: Received[] = [];
  const open = new Set<ServerResponse>();
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      });
      const reply = answer(count++);
      if (reply === "hang") {
        open.add(res);
        res.on("close", () => open.delete(res));
        return;
      }
      const { status, headers } = typeof reply === "number" ? { status: reply } : reply;
      res.writeHead(status, { "content-type": "text/plain", ...headers });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/hooks`,
    port: bound,
    received,
    hanging: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
