import type { IncomingHttpHeaders } from "node:http";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { CLIENT_IP_HEADER } from "@/lib/net/client-ip";
import { sanitizeForwardedHeaders } from "@/lib/net/forwarded";
import { type IpRange, parseIpAllowlist } from "@/lib/net/ip";

const proxies = (parseIpAllowlist("10.0.0.0/8") as { ok: true; ranges: IpRange[] }).ranges;
const publicV4 = fc
  .tuple(
    fc.integer({ min: 11, max: 223 }),
    fc.nat(255),
    fc.nat(255),
    fc.integer({ min: 1, max: 254 }),
  )
  .map((o) => o.join("."));
const proxyV4 = fc
  .tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 }))
  .map((o) => `10.${o.join(".")}`);
const hostile = fc.oneof(fc.string({ maxLength: 40 }), publicV4, proxyV4, fc.constant("unknown"));
const forged = fc.record(
  {
    "x-forwarded-for": fc.array(hostile, { maxLength: 5 }).map((h) => h.join(", ")),
    [CLIENT_IP_HEADER]: hostile,
    "x-real-ip": hostile,
    forwarded: hostile,
    "x-forwarded-host": hostile,
    "x-forwarded-proto": hostile,
  },
  { requiredKeys: [] },
);

// A hundred generated cases per property: on a busy shared machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

describe("forwarded-header sanitizer (properties)", () => {
  it("from an untrusted peer, whatever the client sent, the client IP is the socket's", () => {
    fc.assert(
      fc.property(publicV4, forged, (peer, sent) => {
        const headers: IncomingHttpHeaders = { ...sent };
        sanitizeForwardedHeaders(headers, peer, proxies);
        expect(headers[CLIENT_IP_HEADER]).toBe(peer);
        expect(headers["x-forwarded-for"]).toBe(peer);
        expect(headers["x-real-ip"]).toBeUndefined();
        expect(headers.forwarded).toBeUndefined();
        expect(headers["x-forwarded-host"]).toBeUndefined();
      }),
    );
  });

  it("behind trusted proxies, hops a client prepends never change the answer", () => {
    fc.assert(
      fc.property(
        fc.array(hostile, { maxLength: 4 }),
        publicV4,
        fc.array(proxyV4, { maxLength: 3 }),
        proxyV4,
        (prepended, client, chain, peer) => {
          const headers: IncomingHttpHeaders = {
            "x-forwarded-for": [...prepended, client, ...chain].join(", "),
            [CLIENT_IP_HEADER]: "203.0.113.66",
          };
          sanitizeForwardedHeaders(headers, peer, proxies);
          expect(headers[CLIENT_IP_HEADER]).toBe(client);
        },
      ),
    );
  });

  it("never throws and always leaves exactly one client IP header that is an address", () => {
    fc.assert(
      fc.property(
        fc.option(fc.oneof(publicV4, proxyV4, fc.string()), { nil: undefined }),
        forged,
        (peer, sent) => {
          const headers: IncomingHttpHeaders = { ...sent };
          sanitizeForwardedHeaders(headers, peer, proxies);
          const ip = headers[CLIENT_IP_HEADER];
          if (ip !== undefined) expect(String(ip)).toMatch(/^[0-9a-f.:]+$/i);
        },
      ),
    );
  });
});
