import { afterAll, describe, expect, it } from "vitest";
import { startReceiver } from "@/tests/webhook-receiver";
import { ADDRESS_REFUSED, pinnedHttpTransport, type TransportRequest } from "./transport";

const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

function request(url: string, address: string, allowPrivate: boolean): TransportRequest {
  return {
    url,
    address: { address, family: address.includes(":") ? 6 : 4 },
    allowPrivate,
    headers: { "content-type": "application/json" },
    body: "{}",
    signal: AbortSignal.timeout(5_000),
    maxBodyBytes: 4096,
  };
}

describe("pinned transport", () => {
  it("refuses a non-public address before connecting, unless private targets are allowed", async () => {
    const r = await startReceiver();
    receivers.push(r);
    // The name is only a label: the connection goes to the address it is given.
    const url = `http://hooks.invalid:${r.port}/hooks`;
    for (const address of ["127.0.0.1", "::ffff:127.0.0.1", "::7f00:1"]) {
      await expect(pinnedHttpTransport(request(url, address, false))).rejects.toMatchObject({
        code: ADDRESS_REFUSED,
      });
    }
    // A literal host is connected to as written, whatever address comes with it.
    await expect(
      pinnedHttpTransport(request(`http://127.0.0.1:${r.port}/hooks`, "93.184.215.14", false)),
    ).rejects.toMatchObject({ code: ADDRESS_REFUSED });
    expect(r.received).toHaveLength(0);

    await expect(pinnedHttpTransport(request(url, "127.0.0.1", true))).resolves.toMatchObject({
      status: 200,
    });
    expect(r.received).toHaveLength(1);
  });
});
