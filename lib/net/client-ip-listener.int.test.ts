import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/v1/me/route";
import { getDb } from "@/db";
import { createKey } from "@/lib/keys/service/create";
import { withClientIp } from "@/lib/net/client-ip-listener";
import { type IpRange, parseIpAllowlist } from "@/lib/net/ip";
import { createAppVerifyRuntime, setVerifyRuntime, type VerifyRuntime } from "@/lib/verify/runtime";
import { withTestDatabase } from "@/tests/db";
import { createOrg } from "@/tests/factories";

// Forged forwarding headers sent over a real socket, cleaned by the listener server.ts uses —
// not a test that sets the trusted client-IP header itself.

withTestDatabase();

let runtime: VerifyRuntime;
let key: string;
const servers: Server[] = [];

/** A real HTTP server: server.ts's client-IP cleanup, then the /api/v1/me route handler. */
async function serve(trusted: string): Promise<string> {
  const ranges: IpRange[] = trusted
    ? (parseIpAllowlist(trusted) as { ok: true; ranges: IpRange[] }).ranges
    : [];
  const server = createServer(
    withClientIp(ranges, async (req: IncomingMessage, res) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const response = await me(
        new NextRequest(new URL(req.url ?? "/", "http://localhost"), { headers }),
        {
          params: Promise.resolve({} as never),
        },
      );
      res.writeHead(response.status, { "content-type": "application/json" });
      res.end(await response.text());
    }),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/me`;
}

beforeAll(async () => {
  const acme = await createOrg("Acme");
  runtime = createAppVerifyRuntime({ defaultRateLimitPerMinute: 600, flushMs: 600_000 });
  await runtime.start();
  setVerifyRuntime(runtime);
  ({ key } = await createKey(
    getDb(),
    { organizationId: acme.org.id, userId: acme.owner.id, label: "owner" },
    {
      name: "Allowlisted",
      description: null,
      scopes: ["customers:read"],
      environment: "live",
      expiresAt: null,
      allowedIps: ["198.51.100.9"],
      rateLimitPerMinute: null,
    },
    "lk",
  ));
});

afterAll(async () => {
  for (const s of servers) s.close();
  await runtime.stop();
  setVerifyRuntime(undefined);
});

const get = async (url: string, headers: Record<string, string>) => {
  const res = await fetch(url, { headers: { "X-API-Key": key, ...headers } });
  return { status: res.status, code: ((await res.json()) as { code?: string }).code };
};

describe("client IP behind server.ts's cleanup", () => {
  it("with no trusted proxy, every forwarding and client-IP header a client sends is ignored", async () => {
    const url = await serve("");
    for (const headers of <Record<string, string>[]>[
      { "X-Forwarded-For": "198.51.100.9" },
      { "x-latchkey-client-ip": "198.51.100.9" },
      { "X-Real-IP": "198.51.100.9" },
      { Forwarded: "for=198.51.100.9" },
      { "X-Forwarded-For": "198.51.100.9", "x-latchkey-client-ip": "198.51.100.9" },
    ]) {
      expect(await get(url, headers), JSON.stringify(headers)).toEqual({
        status: 403,
        code: "ip_not_allowed",
      });
    }
  });

  it("behind a trusted proxy, the right-most untrusted X-Forwarded-For hop is the client", async () => {
    const url = await serve("127.0.0.1");
    expect((await get(url, { "X-Forwarded-For": "198.51.100.9" })).status).toBe(200);
    expect((await get(url, { "X-Forwarded-For": "203.0.113.7, 198.51.100.9" })).status).toBe(200);
    // A client prepending the allowed address gets nowhere: the proxy appended the real one.
    expect(await get(url, { "X-Forwarded-For": "198.51.100.9, 203.0.113.7" })).toEqual({
      status: 403,
      code: "ip_not_allowed",
    });
    expect(await get(url, { "x-latchkey-client-ip": "198.51.100.9" })).toEqual({
      status: 403,
      code: "ip_not_allowed",
    });
  });
});
