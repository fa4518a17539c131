/**
 * One HTTP POST to an address that was already checked. Node's fetch cannot be told which address
 * to connect to, so it would resolve the host again (DNS rebinding could swap in 127.0.0.1 between
 * the check and the connection); node:http's `lookup` hook pins the connection to the checked
 * address while TLS and the Host header still use the name. Redirects are never followed.
 * Unless private targets are allowed, the address is checked once more right here, so no caller
 * can hand this function an address the SSRF guard would refuse.
 */
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { type ResolvedAddress, refusedAddressReason } from "./ssrf";

export type TransportRequest = {
  url: string;
  address: ResolvedAddress;
  /** WEBHOOKS_ALLOW_PRIVATE: without it, a refused address fails the request before connecting. */
  allowPrivate: boolean;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** Bytes of the answer's body to keep; the rest is never read. */
  maxBodyBytes: number;
};
export type TransportResponse = { status: number; body: string };
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** The error code of a request refused because its address is not a public one. */
export const ADDRESS_REFUSED = "ERR_WEBHOOK_ADDRESS_REFUSED";

/** Why the connection must not be made, or null. A literal host is connected to as written. */
function refusedTarget(url: URL, address: string): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return refusedAddressReason(address) ?? (isIP(host) ? refusedAddressReason(host) : null);
}

export const pinnedHttpTransport: Transport = (request) =>
  new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const { address, family } = request.address;
    const refused = request.allowPrivate ? null : refusedTarget(url, address);
    if (refused) {
      reject(Object.assign(new Error(`Refused: ${refused}.`), { code: ADDRESS_REFUSED }));
      return;
    }
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options?.all)
        (callback as (e: null, a: ResolvedAddress[]) => void)(null, [{ address, family }]);
      else callback(null, address, family);
    };
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(
      url,
      {
        method: "POST",
        headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
        lookup,
        signal: request.signal,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let settled = false;
        // Whichever comes first: the end, the byte budget, an error, or the socket closing
        // (also when the attempt's signal aborts a body that never ends).
        const done = () => {
          if (settled) return;
          settled = true;
          res.removeAllListeners("data");
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
          });
          res.destroy();
        };
        res.on("data", (chunk: Buffer) => {
          const room = request.maxBodyBytes - size;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size += chunk.length;
          if (size >= request.maxBodyBytes) done();
        });
        res.on("end", done);
        res.on("error", () => done());
        res.on("close", done);
      },
    );
    req.on("error", reject);
    req.end(request.body);
  });
