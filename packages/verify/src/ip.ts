/** IP addresses and allowlist ranges (IPv4, IPv6, IPv4-mapped IPv6), for the allowlist check. */
import ipaddr from "ipaddr.js";

export type IpRange = { text: string; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

/** Parses an address and unwraps IPv4-mapped IPv6 (::ffff:1.2.3.4 → 1.2.3.4). */
export function parseIp(value: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    return ipaddr.process(value.trim().replace(/^\[|\]$/g, ""));
  } catch {
    // Neither an IPv4 nor an IPv6 address.
    return null;
  }
}

export function normalizeIp(value: string): string | null {
  return parseIp(value)?.toString() ?? null;
}

/** An address or CIDR range; a bare address is a /32 or /128. Returns null when invalid. */
export function parseIpRange(value: string): IpRange | null {
  const text = value.trim();
  if (text.includes("/")) {
    const [addr, bits, extra] = text.split("/");
    if (extra !== undefined || !addr || !bits || !/^\d{1,3}$/.test(bits)) return null;
    const ip = parseIp(addr);
    if (!ip) return null;
    const prefix = Number(bits);
    // A mapped IPv6 range (::ffff:10.0.0.0/104) becomes its IPv4 equivalent.
    const mappedShift = ip.kind() === "ipv4" && addr.includes(":") ? 96 : 0;
    const effective = prefix - mappedShift;
    const max = ip.kind() === "ipv4" ? 32 : 128;
    if (effective < 0 || effective > max) return null;
    return { text: `${ip.toString()}/${effective}`, range: [ip, effective] };
  }
  const ip = parseIp(text);
  if (!ip) return null;
  return { text: ip.toString(), range: [ip, ip.kind() === "ipv4" ? 32 : 128] };
}

/** Splits a comma/whitespace separated allowlist; returns the parsed ranges or the invalid entries. */
export function parseIpAllowlist(
  input: string | readonly string[],
): { ok: true; ranges: IpRange[] } | { ok: false; invalid: string[] } {
  const entries = (typeof input === "string" ? input.split(/[\s,]/) : input)
    .map((s) => s.trim())
    .filter(Boolean);
  const ranges: IpRange[] = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    const parsed = parseIpRange(entry);
    if (parsed) ranges.push(parsed);
    else invalid.push(entry);
  }
  return invalid.length ? { ok: false, invalid } : { ok: true, ranges };
}

export function ipMatches(ip: string, ranges: readonly IpRange[]): boolean {
  const addr = parseIp(ip);
  if (!addr) return false;
  return ranges.some(({ range }) => addr.kind() === range[0].kind() && addr.match(range));
}
