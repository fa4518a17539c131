import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { checkWebhookTarget, refusedAddressReason, webhookUrlProblem } from "./ssrf";

// A hundred generated cases per property: on a busy shared machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

type Octets = [number, number, number, number];
const octet = fc.nat(255);
const hex16 = fc.nat(0xffff);

/** Every IPv4 range that is not a public unicast address, with its prefix length. */
const NON_PUBLIC: [Octets, number][] = [
  [[0, 0, 0, 0], 8],
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10],
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16],
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24],
  [[192, 0, 2, 0], 24],
  [[192, 88, 99, 0], 24],
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15],
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[224, 0, 0, 0], 4],
  [[240, 0, 0, 0], 4],
];

const toInt = (o: Octets) => ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
const fromInt = (n: number): Octets => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

/** Any address inside one of the non-public ranges. */
const privateV4 = fc
  .tuple(fc.constantFrom(...NON_PUBLIC), fc.nat(0xffffffff))
  .map(([[net, bits], host]) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return fromInt(((toInt(net) & mask) | (host & ~mask)) >>> 0);
  });

const dotted = (o: Octets) => o.join(".");
const high = (o: Octets) => ((o[0] << 8) | o[1]).toString(16);
const low = (o: Octets) => ((o[2] << 8) | o[3]).toString(16);
const h = (n: number) => n.toString(16);

/** Every IPv6 spelling that carries `o`, with the parts that are free chosen by fast-check. */
const embeddings = (o: Octets) =>
  fc.record({ a: hex16, b: hex16, c: hex16, d: hex16, e: hex16, upper: fc.boolean() }).map((r) => {
    const forms = [
      `::ffff:${dotted(o)}`,
      `::ffff:${high(o)}:${low(o)}`,
      `0:0:0:0:0:ffff:${dotted(o)}`,
      `::${dotted(o)}`,
      `::${high(o)}:${low(o)}`,
      `0:0:0:0:0:0:${high(o)}:${low(o)}`,
      `::ffff:0:${dotted(o)}`,
      `::ffff:0:${high(o)}:${low(o)}`,
      `64:ff9b::${dotted(o)}`,
      `64:ff9b::${high(o)}:${low(o)}`,
      `64:ff9b:1::${dotted(o)}`,
      // Local-use NAT64 with a /48 prefix: the address around the reserved "u" octet.
      `64:ff9b:1:${high(o)}:${h(o[2])}:${h(o[3] << 8)}::${h(r.a)}`,
      `2002:${high(o)}:${low(o)}::`,
      `2002:${high(o)}:${low(o)}:${h(r.a)}:${h(r.b)}:${h(r.c)}:${h(r.d)}:${h(r.e)}`,
      // Teredo: any server, flags and port; the client's address with every bit flipped.
      `2001:0:${h(r.a)}:${h(r.b)}:${h(r.c)}:${h(r.d)}:${h(((o[0] << 8) | o[1]) ^ 0xffff)}:${h(((o[2] << 8) | o[3]) ^ 0xffff)}`,
    ];
    return r.upper ? forms.map((f) => f.toUpperCase()) : forms;
  });

describe("webhook targets (properties)", () => {
  it("refuses every IPv6 form of every non-public IPv4 address, literal or resolved", async () => {
    await fc.assert(
      fc.asyncProperty(
        privateV4.chain((o) => fc.tuple(fc.constant(o), embeddings(o))),
        async ([o, forms]) => {
          expect(refusedAddressReason(dotted(o))).not.toBeNull();
          for (const form of forms) {
            expect(refusedAddressReason(form), form).not.toBeNull();
            expect(webhookUrlProblem(`https://[${form}]/hooks`, false), form).not.toBeNull();
            const check = await checkWebhookTarget("https://hooks.example.com/", {
              allowPrivate: false,
              resolver: async () => [{ address: form, family: 6 }],
            });
            expect(check.ok, form).toBe(false);
          }
        },
      ),
    );
  });

  it("judges an IPv4-mapped address exactly as the IPv4 address it carries", () => {
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), (o) => {
        const plain = refusedAddressReason(dotted(o));
        expect(refusedAddressReason(`::ffff:${dotted(o)}`)).toBe(plain);
        expect(refusedAddressReason(`::ffff:${high(o)}:${low(o)}`)).toBe(plain);
      }),
    );
  });

  it("never throws, and refuses what is not an address", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const reason = refusedAddressReason(text);
        if (!/^[0-9a-f:.%]*$/i.test(text)) expect(reason).not.toBeNull();
      }),
    );
  });
});
