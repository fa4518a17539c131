/**
 * Set by server.ts from the socket (or a trusted proxy's X-Forwarded-For) after removing any
 * copy the client sent, so code behind it can believe this header and no other.
 */
export const CLIENT_IP_HEADER = "x-latchkey-client-ip";

/** The client's IP for any request served through server.ts; undefined when unknown. */
export function getClientIp(headers: Pick<Headers, "get">): string | undefined {
  return headers.get(CLIENT_IP_HEADER) ?? undefined;
}
