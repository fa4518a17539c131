import type { IncomingMessage, ServerResponse } from "node:http";
import { sanitizeForwardedHeaders } from "@/lib/net/forwarded";
import type { IpRange } from "@/lib/net/ip";

/**
 * Wraps a node:http request listener so that, before anything else reads the request, its client
 * IP header is the one derived from the socket (or a trusted proxy's X-Forwarded-For) and every
 * client-sent copy is gone. server.ts serves Next through this; tests serve route handlers
 * through the very same function.
 */
export function withClientIp(
  trustedProxies: readonly IpRange[],
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    cleanClientIp(req, trustedProxies);
    listener(req, res);
  };
}

export function cleanClientIp(req: IncomingMessage, trustedProxies: readonly IpRange[]): void {
  sanitizeForwardedHeaders(req.headers, req.socket.remoteAddress, trustedProxies);
}
