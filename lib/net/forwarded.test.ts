import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { getClientIp } from "./client-ip";
import { sanitizeForwardedHeaders } from "./forwarded";
import { parseIpAllowlist } from "./ip";

const proxies = (() => {
  const parsed = parseIpAllowlist("10.0.0.0/8");
  if (!parsed.ok) throw new Error();
  return parsed.ranges;
})();

describe("sanitizeForwardedHeaders", () => {
  it("drops everything a direct client forged and sets the socket address", () => {
    const headers: IncomingHttpHeaders = {
      "x-forwarded-for": "203.0.113.5",
      "x-real-ip": "203.0.113.5",
      "x-latchkey-client-ip": "203.0.113.5",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      forwarded: "for=203.0.113.5;host=evil.example",
      host: "localhost:3000",
    };
    sanitizeForwardedHeaders(headers, "::ffff:127.0.0.1", proxies);
    expect(headers).toEqual({
      "x-forwarded-for": "127.0.0.1",
      "x-latchkey-client-ip": "127.0.0.1",
      host: "localhost:3000",
    });
  });

  it("keeps a trusted proxy's forwarding headers and takes the client from its hop", () => {
    const headers: IncomingHttpHeaders = {
      "x-forwarded-for": "1.1.1.1, 198.51.100.7",
      "x-forwarded-host": "api.example.com",
      "x-forwarded-proto": "https",
    };
    sanitizeForwardedHeaders(headers, "10.0.0.2", proxies);
    expect(headers).toMatchObject({
      "x-latchkey-client-ip": "198.51.100.7",
      "x-forwarded-for": "198.51.100.7",
      "x-forwarded-host": "api.example.com",
      "x-forwarded-proto": "https",
    });
  });

  it("leaves no client IP when the socket has none", () => {
    const headers: IncomingHttpHeaders = { "x-forwarded-for": "1.2.3.4" };
    sanitizeForwardedHeaders(headers, undefined, proxies);
    expect(Object.keys(headers)).toEqual([]);
  });

  it("reads X-Forwarded-For sent as several header lines as one list", () => {
    const headers: IncomingHttpHeaders = {
      "x-forwarded-for": ["1.1.1.1", "198.51.100.7"] as never,
    };
    sanitizeForwardedHeaders(headers, "10.0.0.2", proxies);
    expect(headers["x-latchkey-client-ip"]).toBe("198.51.100.7");
  });
});

describe("getClientIp", () => {
  it("reads the header server.ts sets, and nothing when it is absent", () => {
    expect(getClientIp(new Headers({ "x-latchkey-client-ip": "198.51.100.7" }))).toBe(
      "198.51.100.7",
    );
    expect(getClientIp(new Headers({ "x-forwarded-for": "198.51.100.7" }))).toBeUndefined();
  });
});
