import { describe, expect, it } from "vitest";
import { sendWebhook } from "./sender";
import type { Resolver } from "./ssrf";
import { ADDRESS_REFUSED, type Transport } from "./transport";

const base = {
  id: "msg_1",
  url: "https://hooks.example.com/in",
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  body: "{}",
  at: new Date(),
  allowPrivate: false,
  resolver: (async () => [{ address: "93.184.215.14", family: 4 }]) as Resolver,
};
/** A transport that never settles and ignores its signal. */
const deaf: Transport = () => new Promise(() => {});

describe("sendWebhook", () => {
  it("ends an attempt at its timeout even when the transport ignores the signal", async () => {
    const started = Date.now();
    const result = await sendWebhook({ ...base, transport: deaf, timeoutMs: 100 });
    expect(result).toEqual({ outcome: "retry", statusCode: null, error: "Timed out after 0.1 s." });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("counts the host lookup in the attempt's time", async () => {
    const result = await sendWebhook({
      ...base,
      resolver: () => new Promise(() => {}),
      transport: deaf,
      timeoutMs: 100,
    });
    expect(result).toMatchObject({ outcome: "retry", error: "Timed out after 0.1 s." });
  });

  it("reports an attempt cut short by the worker stopping as aborted", async () => {
    const stop = new AbortController();
    const pending = sendWebhook({ ...base, transport: deaf, stop: stop.signal, timeoutMs: 5_000 });
    stop.abort();
    expect(await pending).toEqual({ outcome: "aborted" });
  });

  it("treats the transport's address refusal as final, not as a network error", async () => {
    const refusing: Transport = async () => {
      throw Object.assign(new Error("Refused: 127.0.0.1 is a loopback address."), {
        code: ADDRESS_REFUSED,
      });
    };
    expect(await sendWebhook({ ...base, transport: refusing })).toEqual({
      outcome: "refused",
      error: "Refused: 127.0.0.1 is a loopback address.",
    });
  });

  it("counts a redirect as a failed attempt", async () => {
    const redirecting: Transport = async () => ({ status: 302, body: "" });
    expect(await sendWebhook({ ...base, transport: redirecting })).toEqual({
      outcome: "retry",
      statusCode: 302,
      error: "HTTP 302 (redirects are not followed)",
    });
  });
});
