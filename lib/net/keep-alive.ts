import type { Server } from "node:http";

/**
 * How long an idle keep-alive connection stays open. Node closes them after 5 s; a load balancer
 * that pools connections to the instances (HAProxy, nginx `keepalive`, cloud balancers at 60 s)
 * may then send a request on a connection at the moment this server closes it, and the client
 * gets a dropped connection or a 502. Keeping connections longer than the balancer does leaves
 * closing them to the balancer.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function keepConnectionsLongerThanBalancers(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node counts a kept-alive connection's wait for the next request's headers against this too.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
}
