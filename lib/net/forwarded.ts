import type { IncomingHttpHeaders } from "node:http";
import { CLIENT_IP_HEADER } from "@/lib/net/client-ip";
import { type IpRange, ipMatches, normalizeIp, resolveClientIp } from "@/lib/net/ip";

// Headers a reverse proxy sets; from anyone else they are whatever the client chose to send.
const PROXY_HEADERS = ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded"];

/**
 * Makes a request's headers trustworthy before the app sees them: the client IP header is set
 * from the socket (or a trusted proxy's X-Forwarded-For), and forwarding headers survive only when
 * the peer is a trusted proxy. Mutates `headers`.
 */
export function sanitizeForwardedHeaders(
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined,
  trustedProxies: readonly IpRange[],
): void {
  const forwarded = headers["x-forwarded-for"];
  const ip = resolveClientIp(
    remoteAddress,
    Array.isArray(forwarded) ? forwarded.join(",") : forwarded,
    trustedProxies,
  );
  const peer = remoteAddress ? normalizeIp(remoteAddress) : null;
  if (!peer || !ipMatches(peer, trustedProxies)) {
    for (const name of PROXY_HEADERS) delete headers[name];
  }
  delete headers[CLIENT_IP_HEADER];
  delete headers["x-real-ip"];
  if (ip) {
    headers[CLIENT_IP_HEADER] = ip;
    headers["x-forwarded-for"] = ip;
  } else {
    delete headers["x-forwarded-for"];
  }
}
