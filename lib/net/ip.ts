import { type IpRange, ipMatches, normalizeIp, parseIpRange } from "@latchkey/verify/ip";

export {
  type IpRange,
  ipMatches,
  normalizeIp,
  parseIp,
  parseIpAllowlist,
  parseIpRange,
} from "@latchkey/verify/ip";

/**
 * The client's address. The socket peer is the client unless it is a trusted proxy; then the
 * right-most X-Forwarded-For hop that is not itself a trusted proxy is. Entries left of that are
 * whatever the client chose to send and are never believed.
 */
export function resolveClientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: readonly IpRange[],
): string | undefined {
  const peer = remoteAddress ? normalizeIp(remoteAddress) : null;
  if (!peer) return undefined;
  if (!forwardedFor || !ipMatches(peer, trustedProxies)) return peer;
  const hops = forwardedFor
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(hops[i] as string);
    if (!hop) return peer;
    if (!ipMatches(hop, trustedProxies)) return hop;
  }
  return peer;
}

type Span = readonly [lo: bigint, hi: bigint];

function spanOf([addr, bits]: IpRange["range"]): Span {
  const width = addr.kind() === "ipv4" ? 32 : 128;
  const size = 1n << BigInt(width - bits);
  const n = addr.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  const lo = n - (n % size);
  return [lo, lo + size - 1n];
}

const spansOf = (cidrs: readonly string[]) =>
  cidrs.map((c) => spanOf((parseIpRange(c) as IpRange).range));

/** `whole` without the holes, as sorted disjoint spans. */
function without(whole: Span, holes: readonly Span[]): Span[] {
  const out: Span[] = [];
  let from = whole[0];
  for (const [lo, hi] of [...holes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (lo > from) out.push([from, lo - 1n]);
    if (hi + 1n > from) from = hi + 1n;
  }
  if (from <= whole[1]) out.push([from, whole[1]]);
  return out;
}

/**
 * Every address a request from the internet can come from, per family: IPv4 but for the private,
 * shared, loopback, link-local, documentation, benchmarking, multicast and reserved blocks; IPv6
 * global unicast (2000::/3) but for documentation.
 */
const PUBLIC_SPANS = {
  ipv4: without(
    [0n, (1n << 32n) - 1n],
    spansOf([
      "0.0.0.0/8",
      "10.0.0.0/8",
      "100.64.0.0/10",
      "127.0.0.0/8",
      "169.254.0.0/16",
      "172.16.0.0/12",
      "192.0.0.0/24",
      "192.0.2.0/24",
      "192.168.0.0/16",
      "198.18.0.0/15",
      "198.51.100.0/24",
      "203.0.113.0/24",
      "224.0.0.0/3",
    ]),
  ),
  ipv6: without(spansOf(["2000::/3"])[0] as Span, spansOf(["2001:db8::/32"])),
};

function covers(spans: readonly Span[], [lo, hi]: Span): boolean {
  let next = lo;
  for (const [a, b] of [...spans].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    if (b < next) continue;
    if (a > next) return false;
    next = b + 1n;
    if (next > hi) return true;
  }
  return false;
}

/**
 * Whether an allowlist lets in every public address of IPv4 or of IPv6 (0.0.0.0/0, ::/0,
 * 2000::/3, or ranges that add up to one of those): a client picks its address family, so such a
 * list restricts nothing. Entries that do not parse match nothing and count for nothing.
 */
export function allowsEveryPublicAddress(entries: readonly string[]): boolean {
  const ranges = entries.map((e) => parseIpRange(e)).filter((r) => r !== null);
  return (["ipv4", "ipv6"] as const).some((kind) => {
    const spans = ranges.filter((r) => r.range[0].kind() === kind).map((r) => spanOf(r.range));
    return PUBLIC_SPANS[kind].every((p) => covers(spans, p));
  });
}
