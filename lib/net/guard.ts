import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { withMethodGuard } from "@/lib/api/method-guard";
import { withBodyLimit } from "./body-limit";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts the guards in front of the server's request listener, so they see every request before
 * Next.js does: first the body limit (nothing over 1 MiB is read), then the method guard.
 */
export function guardRequests(server: Server): void {
  for (const listener of server.listeners("request") as Listener[]) {
    server.removeListener("request", listener);
    server.on("request", withBodyLimit(withMethodGuard(listener)));
  }
}
