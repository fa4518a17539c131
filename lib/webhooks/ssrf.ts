/**
 * Where a webhook may be sent. The URL is checked when it is saved (syntax, literal addresses) and
 * again at every send, after resolving the host: a name that pointed at a public address when
 * saved may point at 10.0.0.1 now. The sender then connects to the very address checked here.
 */
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

export type ResolvedAddress = { address: string; family: 4 | 6 };
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Why an address may not be a webhook target, or null when it is a public unicast address.
 * v4-mapped v6 addresses are judged as the v4 address they carry.
 */
export function refusedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = ipaddr.process(address);
  const range = ip.range();
  // Anything ipaddr.js files under a special range (private, loopback, linkLocal, multicast,
  // uniqueLocal, reserved, carrierGradeNat, 6to4, teredo, rfc6052…) is refused: only plain unicast.
  return range === "unicast" ? null : `${ip.toString()} is a ${range} address`;
}

const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/** Checks a webhook URL's form: https (http only when private targets are allowed), no
 * credentials, no literal private address or local name. Returns the reason it is refused. */
export function webhookUrlProblem(value: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full URL, e.g. https://example.com/webhooks.";
  }
  if (value.length > 2048) return "The URL must be at most 2048 characters.";
  const httpAllowed = allowPrivate && url.protocol === "http:";
  if (url.protocol !== "https:" && !httpAllowed) return "The webhook URL must start with https://.";
  if (url.username || url.password) return "The webhook URL must not contain a user or password.";
  if (allowPrivate) return null;
  const host = hostOf(url);
  if (ipaddr.isValid(host)) {
    const reason = refusedAddressReason(host);
    if (reason) return `The webhook URL must be public: ${reason}.`;
  } else if (LOCAL_NAMES.test(host) || !host.includes(".")) {
    return "The webhook URL must be a public address.";
  }
  return null;
}

export type TargetCheck =
  | { ok: true; host: string; addresses: ResolvedAddress[] }
  /** `transient`: the lookup failed, which may pass; anything else is a refusal. */
  | { ok: false; reason: string; transient?: boolean };

/** Resolves the URL's host now and refuses it when any answer is not a public address. */
export async function checkWebhookTarget(
  value: string,
  options: { allowPrivate: boolean; resolver?: Resolver },
): Promise<TargetCheck> {
  const problem = webhookUrlProblem(value, options.allowPrivate);
  if (problem) return { ok: false, reason: problem };
  const url = new URL(value);
  const host = hostOf(url);
  let addresses: ResolvedAddress[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: ipaddr.parse(host).kind() === "ipv6" ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.resolver ?? systemResolver)(host);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "error";
      return { ok: false, reason: `Could not resolve ${host} (${code}).`, transient: true };
    }
  }
  if (addresses.length === 0) {
    return { ok: false, reason: `${host} has no address.`, transient: true };
  }
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const reason = refusedAddressReason(address);
      if (reason) return { ok: false, reason: `Refused: ${host} resolves to ${reason}.` };
    }
  }
  return { ok: true, host, addresses };
}
