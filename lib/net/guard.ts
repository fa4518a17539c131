import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { PAGE_ALLOW, withMethodGuard } from "@/lib/api/method-guard";
import { rawProblemResponse } from "@/lib/api/problem";
import { withBodyLimit } from "./body-limit";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts the guards in front of the server's request listener, so they see every request before
 * Next.js does: first the body limit (nothing over 1 MiB is read), then the method guard. CONNECT,
 * which Node never hands to a request listener, gets the same 405 instead of a dropped socket.
 */
export function guardRequests(server: Server): void {
  for (const listener of server.listeners("request") as Listener[]) {
    server.removeListener("request", listener);
    server.on("request", withBodyLimit(withMethodGuard(listener)));
  }
  server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
    // Node has handed the socket over, error handling included: a reset must not go unhandled.
    socket.on("error", () => socket.destroy());
    setTimeout(() => socket.destroy(), 2_000).unref();
    socket.end(
      rawProblemResponse(405, "method_not_allowed", `CONNECT is not allowed; use ${PAGE_ALLOW}.`, {
        Allow: PAGE_ALLOW,
      }),
    );
  });
}
