import { connect, createServer, type Socket } from "node:net";

export type TcpProxy = {
  port: number;
  /** Cuts every open connection and refuses new ones: the service is "down". */
  down: () => void;
  up: () => void;
  close: () => Promise<void>;
};

/**
 * A TCP relay in front of a real service, so a test can take it away and bring it back. It
 * listens on `listenPort` (any free port when 0).
 */
export function tcpProxy(
  targetPort: number,
  targetHost = "127.0.0.1",
  listenPort = 0,
): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let accepting = true;
  const server = createServer((client) => {
    if (!accepting) return void client.destroy();
    const upstream = connect(targetPort, targetHost);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) => {
    server.listen(listenPort, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : 0,
        down: () => {
          accepting = false;
          for (const socket of open) socket.destroy();
          open.clear();
        },
        up: () => {
          accepting = true;
        },
        close: () =>
          new Promise((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
