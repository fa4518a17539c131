/**
 * `createRemoteVerifier`: one call of Latchkey's verify route per verification, over a pool of
 * keep-alive connections. Anything but a verdict (a timeout, a 5xx, a refused caller key) is
 * `verification_unavailable`: the service fails closed. Neither key is ever logged.
 */
import http from "node:http";
import https from "node:https";
import { parseIp } from "./ip.ts";
import { parseApiKey } from "./key-format.ts";
import { UNAVAILABLE, unknownKey, type Verdict, type VerifyInput } from "./verdict.ts";
import { checkInput, type LatchkeyVerifier, type Outcome, tooLong } from "./verifier-api.ts";

export type RemoteVerifierOptions = {
  /** Where Latchkey runs, e.g. `https://keys.example.com`. */
  baseUrl: string;
  /** A key of the same organization with the scope `keys:verify`. */
  apiKey: string;
  /** How long one verification may take before it counts as unavailable (default 2000 ms). */
  timeoutMs?: number;
  /** Connections kept open to Latchkey (default 64). */
  maxSockets?: number;
  /** Where failures are reported (default console.error), without any key. */
  log?: (message: string) => void;
};

const VERIFY_PATH = "/api/v1/keys/verify";

export function createRemoteVerifier(options: RemoteVerifierOptions): LatchkeyVerifier {
  const url = new URL(VERIFY_PATH, options.baseUrl);
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:") throw new TypeError("baseUrl must be http(s)");
  const agent = new (secure ? https : http).Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? 64,
  });
  const timeoutMs = options.timeoutMs ?? 2000;
  const log = options.log ?? ((message: string) => console.error(message));
  const auth = `Bearer ${options.apiKey}`;
  let closed = false;

  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = (secure ? https : http).request(
        url,
        {
          method: "POST",
          agent,
          headers: {
            authorization: auth,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          response.on("error", reject);
        },
      );
      // The whole exchange, not only the idle socket, is bounded.
      const timer = setTimeout(() => request.destroy(new Error("timed out")), timeoutMs);
      request.on("timeout", () => request.destroy(new Error("timed out")));
      request.on("error", reject);
      request.on("close", () => clearTimeout(timer));
      request.end(body);
    });

  return {
    async verify(input: VerifyInput): Promise<Outcome> {
      checkInput(input);
      if (closed) return UNAVAILABLE;
      // What the client sent is answered as direct mode answers it, not refused by the route's
      // body rules as the service's mistake: a malformed key (a 300-character one included) is
      // unknown, and an address that is none (a forged X-Forwarded-For behind `trust proxy`)
      // matches no allowlist.
      if (tooLong(input.key) || !parseApiKey(input.key.trim())) return unknownKey();
      const clientIp =
        input.clientIp !== undefined && input.clientIp.length <= 64 && parseIp(input.clientIp)
          ? input.clientIp
          : undefined;
      const body = JSON.stringify({
        key: input.key.trim(),
        scopes: input.scopes,
        clientIp,
        endpoint: input.endpoint,
        cost: input.cost,
      });
      try {
        const { status, text } = await post(body);
        if (status === 200) return JSON.parse(text) as Verdict;
        if (status !== 503) {
          // The caller key or the request was refused: a setup problem, said without keys.
          const code = (() => {
            try {
              return (JSON.parse(text) as { code?: string }).code ?? "";
            } catch {
              return "";
            }
          })();
          log(`[latchkey] remote verification refused: ${status} ${code}`.trim());
        }
      } catch (error) {
        const e = error as { code?: string; message?: string };
        log(`[latchkey] remote verification failed: ${e.code ?? e.message ?? "error"}`);
      }
      return UNAVAILABLE;
    },
    async close() {
      closed = true;
      agent.destroy();
    },
  };
}
