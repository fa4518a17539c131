/**
 * Where a webhook may be sent. The URL is checked when it is saved (syntax, literal addresses) and
 * again at every send, after resolving the host: a name that pointed at a public address when
 * saved may point at 10.0.0.1 now. The sender then connects to the very address checked here.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

export type ResolvedAddress = { address: string; family: 4 | 6 };
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Parses an address the way the operating system will connect to it (Node's own check of the
 * syntax; a zone index is dropped). ipaddr.js alone reads "::1.2.3.4" as ::ffff:1.2.3.4, which is
 * not the address a socket goes to, so a trailing dotted quad is spelled in hex first.
 */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = address.replace(/%.*$/s, "");
  const family = isIP(bare);
  if (family === 4) return ipaddr.IPv4.parse(bare);
  if (family !== 6) return null;
  const hex = bare.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    [Number(a) * 256 + Number(b), Number(c) * 256 + Number(d)].map((n) => n.toString(16)).join(":"),
  );
  try {
    return ipaddr.IPv6.parse(hex);
  } catch {
    return null; // Refused: what cannot be read is not a public address.
  }
}

const v4 = (high: number, low: number) =>
  new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/**
 * The IPv4 addresses an IPv6 address carries, by the form that carries them. Packets to these
 * forms end up at (or are translated to) the IPv4 address, so it is what has to be judged.
 */
function embeddedIPv4(ip: ipaddr.IPv6): { form: string; addresses: ipaddr.IPv4[] } | null {
  const p = ip.parts as [number, number, number, number, number, number, number, number];
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && p[5] === 0xffff) return { form: "IPv4-mapped", addresses: [v4(p[6], p[7])] };
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) {
    return { form: "IPv4-translated", addresses: [v4(p[6], p[7])] };
  }
  if (zeros(0, 6)) return { form: "IPv4-compatible", addresses: [v4(p[6], p[7])] };
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) {
    return { form: "NAT64", addresses: [v4(p[6], p[7])] };
  }
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 1) {
    // Local-use NAT64 (RFC 8215): the prefix length is the operator's choice, so both the /48
    // placement (around the reserved "u" octet) and the /96 one are read.
    const at48 = new ipaddr.IPv4([p[3] >> 8, p[3] & 0xff, p[4] & 0xff, p[5] >> 8]);
    return { form: "local-use NAT64", addresses: [v4(p[6], p[7]), at48] };
  }
  if (p[0] === 0x2002) return { form: "6to4", addresses: [v4(p[1], p[2])] };
  if (p[0] === 0x2001 && p[1] === 0) {
    // Teredo: the server's address in clear, the client's with every bit flipped.
    return { form: "Teredo", addresses: [v4(p[6] ^ 0xffff, p[7] ^ 0xffff), v4(p[2], p[3])] };
  }
  return null;
}

/** The special range an IPv4 address is in, or null for public unicast. */
function ipv4Range(ip: ipaddr.IPv4): string | null {
  const range = ip.range();
  return range === "unicast" ? null : range;
}

function ipv4Reason(ip: ipaddr.IPv4): string | null {
  const range = ipv4Range(ip);
  return range && `${ip.toString()} is a ${range} address`;
}

/**
 * Why an address may not be a webhook target, or null when it is a public unicast address.
 * IPv4: anything ipaddr.js files under a special range (private, loopback, linkLocal, multicast,
 * carrierGradeNat, reserved, documentation…) is refused. IPv6: only global unicast (2000::/3)
 * outside every special range. An IPv6 address that embeds an IPv4 address is judged by the
 * embedded address: IPv4-mapped (::ffff:a.b.c.d) is accepted when that address is public; the
 * other forms (IPv4-compatible, IPv4-translated, NAT64, 6to4, Teredo) are refused whatever they
 * carry, with the embedded address named when it is itself refused.
 */
export function refusedAddressReason(address: string): string | null {
  const ip = parseAddress(address);
  if (!ip) return `${address} is not an IP address`;
  if (ip.kind() === "ipv4") return ipv4Reason(ip as ipaddr.IPv4);
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  if (range === "unspecified" || range === "loopback")
    return `${v6.toString()} is a ${range} address`;
  const embedded = embeddedIPv4(v6);
  if (embedded) {
    const [first] = embedded.addresses;
    if (embedded.form === "IPv4-mapped" && first) return ipv4Reason(first);
    for (const inner of embedded.addresses) {
      const innerRange = ipv4Range(inner);
      if (innerRange) {
        return `${v6.toString()} is a ${embedded.form} address for ${inner.toString()} (${innerRange})`;
      }
    }
    return `${v6.toString()} is a ${embedded.form} address`;
  }
  if (range !== "unicast") return `${v6.toString()} is a ${range} address`;
  // 2000::/3 holds every global unicast allocation; what lies outside it is not a public host.
  if ((v6.parts[0] ?? 0) >> 13 !== 1) return `${v6.toString()} is not a global unicast address`;
  return null;
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
  if (isIP(host)) {
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
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
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
