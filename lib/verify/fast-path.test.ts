import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { keyRecord } from "@latchkey/verify/test-records";
import { fakeRuntime } from "@latchkey/verify/test-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "@/lib/net/security-headers";
import { isVerifyRequest, verifyFastPath } from "./fast-path";
import { setVerifyRuntime, type VerifyRuntime } from "./runtime";

const fake = fakeRuntime([keyRecord({ id: "caller", scopes: ["keys:verify"] }), keyRecord()]);
let server: Server;
let base: string;

beforeAll(async () => {
  setVerifyRuntime(fake.runtime as unknown as VerifyRuntime);
  // Everything the fast path leaves alone reaches "Next".
  server = createServer((req, res) => {
    if (verifyFastPath(req, res)) return;
    res.writeHead(299, { "content-type": "text/plain" }).end(`next ${req.method} ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  setVerifyRuntime(undefined);
  await new Promise((r) => server.close(r));
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": fake.keyOf("caller"), ...headers },
    body,
  });

describe("the verify fast path", () => {
  it("answers POST /api/v1/keys/verify (with or without a query) with the security headers", async () => {
    for (const path of ["/api/v1/keys/verify", "/api/v1/keys/verify?x=1"]) {
      const res = await post(path, JSON.stringify({ key: fake.keyOf("k1") }));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ valid: true, keyId: "k1" });
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect(res.headers.get(name), name).toBe(value);
      }
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("ratelimit-remaining")).toMatch(/^\d+$/);
    }
  });

  it("leaves every other request to Next untouched", async () => {
    expect(isVerifyRequest({ method: "GET", url: "/api/v1/keys/verify" } as never)).toBe(false);
    for (const [method, path] of [
      ["GET", "/api/v1/keys/verify"],
      ["POST", "/api/v1/keys/verifyx"],
      ["POST", "/api/v1/keys/verify/"],
      ["POST", "/api/v1/customers"],
    ] as const) {
      const res = await fetch(`${base}${path}`, {
        method,
        body: method === "POST" ? "{}" : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(299);
      expect(await res.text()).toBe(`next ${method} ${path}`);
    }
  });

  it("refuses a body over 1 MiB with 413, declared or streamed, without reading it all", async () => {
    const big = JSON.stringify({ key: "x".repeat(2 * 1024 * 1024) });
    const declared = await post("/api/v1/keys/verify", big);
    expect(declared.status).toBe(413);
    expect(declared.headers.get("content-type")).toBe("application/problem+json");
    expect((await declared.json()).code).toBe("payload_too_large");

    // Chunked, no length: refused once past the limit, and the connection is not kept.
    const streamed = await new Promise<{ status: number; body: string; connection?: string }>(
      (resolve, reject) => {
        const req = httpRequest(`${base}/api/v1/keys/verify`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": fake.keyOf("caller") },
        });
        req.on("response", (res) => {
          let body = "";
          res.on("data", (d) => {
            body += d;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
          );
        });
        req.on("error", reject);
        const chunk = "x".repeat(64 * 1024);
        let sent = 0;
        const write = () => {
          while (sent < 40 && req.write(chunk)) sent++;
          if (sent < 40) req.once("drain", write);
        };
        write();
      },
    );
    expect(streamed.status).toBe(413);
    expect(streamed.connection).toBe("close");
    expect(JSON.parse(streamed.body).code).toBe("payload_too_large");
  });

  it("answers 415 for a body that is not JSON", async () => {
    const res = await post("/api/v1/keys/verify", "key=x", { "content-type": "text/plain" });
    expect(res.status).toBe(415);
    expect((await res.json()).code).toBe("unsupported_media_type");
  });
});
