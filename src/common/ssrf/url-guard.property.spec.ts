import fc from 'fast-check';
import { FakeHostResolver } from './testing/fake-host-resolver';
import { urlGuardFor } from './testing/url-guard-for';

/**
 * Property tests of the SSRF guards (spec 02 §11): whatever way an address is written into a
 * URL, the guards judge the address the connection would reach. The model below is the spec's
 * IPv4 table in plain arithmetic, independent of the guard's own range tables.
 */

type Range = readonly [base: number, prefix: number];
const v4 = (dotted: string): number =>
  dotted.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
const cidr = (text: string): Range => {
  const [base, prefix] = text.split('/');
  return [v4(base), Number(prefix)];
};
const inRange = (address: number, [base, prefix]: Range): boolean =>
  prefix === 0 ||
  Math.floor(address / 2 ** (32 - prefix)) === Math.floor(base / 2 ** (32 - prefix));

const RFC_1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(cidr);
const TEST_NETS = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map(cidr);
const CGNAT = cidr('100.64.0.0/10');
const LOOPBACK = cidr('127.0.0.0/8');
const LINK_LOCAL = cidr('169.254.0.0/16');

/** §11.3 in strict mode (no SaaS, no dev): the IPv4 addresses the outbound guard refuses. */
function outboundStrictBlocks(a: number): boolean {
  return (
    a === 0 ||
    [LOOPBACK, LINK_LOCAL, cidr('224.0.0.0/24'), CGNAT, ...TEST_NETS, ...RFC_1918].some((r) =>
      inRange(a, r),
    )
  );
}

/** §11.2 in strict mode: the IPv4 addresses a workspace may not register. */
function registrationStrictBlocks(a: number): boolean {
  return [LOOPBACK, LINK_LOCAL, cidr('224.0.0.0/4'), CGNAT, ...TEST_NETS, ...RFC_1918].some((r) =>
    inRange(a, r),
  );
}

/** Addresses drawn mostly from the ranges that matter, and around their edges. */
const interestingV4: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  ...[
    LOOPBACK,
    LINK_LOCAL,
    CGNAT,
    ...TEST_NETS,
    ...RFC_1918,
    cidr('224.0.0.0/4'),
    cidr('0.0.0.0/8'),
  ].map(([base, prefix]) =>
    fc
      .integer({ min: -2, max: 2 ** (32 - prefix) + 1 })
      .map((offset) => Math.min(Math.max(base + offset, 0), 2 ** 32 - 1)),
  ),
);

const hex = (n: number) => n.toString(16);
const octets = (a: number) => [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255];

/** Every way a URL host can name one IPv4 address (WHATWG URL rules, RFC 4291 embeddings). */
const spellings = (a: number): fc.Arbitrary<string> => {
  const [b1, b2, b3, b4] = octets(a);
  const high = hex((a >>> 16) & 0xffff);
  const low = hex(a & 0xffff);
  return fc.constantFrom(
    `${b1}.${b2}.${b3}.${b4}`,
    `${b1}.${b2}.${b3}.${b4}.`,
    String(a),
    `0x${hex(a)}`,
    `0${a.toString(8)}`,
    `${b1}.${(b2 << 16) | (b3 << 8) | b4}`,
    `${b1}.${b2}.${(b3 << 8) | b4}`,
    octets(a)
      .map((o) => `0x${hex(o)}`)
      .join('.'),
    octets(a)
      .map((o) => `0${o.toString(8)}`)
      .join('.'),
    `[::ffff:${b1}.${b2}.${b3}.${b4}]`,
    `[::FFFF:${high}:${low}]`,
    `[0:0:0:0:0:ffff:${high}:${low}]`,
  );
};

/** URL decoration that must not change which host is judged. */
const urlAround = (host: string): fc.Arbitrary<string> =>
  fc
    .record({
      scheme: fc.constantFrom('http', 'https', 'HTTP', 'hTtPs'),
      userinfo: fc.constantFrom('', 'user@', 'user:pass@', 'good.example.com@'),
      port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      rest: fc.constantFrom(
        '',
        '/',
        '/a/b?x=1',
        '/?next=http://good.example.com/',
        '#@good.example.com',
      ),
    })
    .map(
      ({ scheme, userinfo, port, rest }) =>
        `${scheme}://${userinfo}${host}${port === undefined ? '' : `:${port}`}${rest}`,
    );

const RUNS = { numRuns: 3000 };

describe('SSRF guards: properties over generated URLs (spec 02 §11)', () => {
  const strict = urlGuardFor();

  it('the outbound guard judges every spelling of an IPv4 address as the address itself', async () => {
    await fc.assert(
      fc.asyncProperty(
        interestingV4.chain((a) => fc.tuple(fc.constant(a), spellings(a).chain(urlAround))),
        async ([address, url]) => {
          const verdict = await strict.checkOutboundUrl(url);
          expect({ url, ok: verdict.ok }).toEqual({ url, ok: !outboundStrictBlocks(address) });
        },
      ),
      RUNS,
    );
  });

  it('the registration guard judges every spelling of an IPv4 address as the address itself', async () => {
    await fc.assert(
      fc.asyncProperty(
        interestingV4.chain((a) => fc.tuple(fc.constant(a), spellings(a).chain(urlAround))),
        async ([address, url]) => {
          const verdict = await strict.checkRegistrationUrl(url);
          expect({ url, ok: verdict.ok }).toEqual({ url, ok: !registrationStrictBlocks(address) });
        },
      ),
      RUNS,
    );
  });

  it('IPv6 forms that carry an IPv4 address (NAT64, 6to4, IPv4-compatible) are judged by that address; a local NAT64 prefix is private', async () => {
    const embeddings = (a: number): string[] => {
      const [b1, b2, b3, b4] = octets(a);
      const high = hex((a >>> 16) & 0xffff);
      const low = hex(a & 0xffff);
      return [
        `[64:ff9b::${b1}.${b2}.${b3}.${b4}]`,
        `[64:ff9b::${high}:${low}]`,
        `[64:ff9b:1::${high}:${low}]`,
        `[2002:${high}:${low}::1]`,
        `[::${high}:${low}]`,
      ];
    };
    await fc.assert(
      fc.asyncProperty(
        interestingV4.filter((a) => a > 1),
        fc.integer({ min: 0, max: 4 }),
        async (address, form) => {
          const url = `http://${embeddings(address)[form]}/`;
          const outbound = await strict.checkOutboundUrl(url);
          const registration = await strict.checkRegistrationUrl(url);
          const localUse = form === 2;
          expect({ url, outbound: outbound.ok, registration: registration.ok }).toEqual({
            url,
            outbound: !localUse && !outboundStrictBlocks(address),
            registration: !localUse && !registrationStrictBlocks(address),
          });
        },
      ),
      RUNS,
    );
  });

  it('a name passes only if every address it resolves to passes, and the reason never names an address', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(interestingV4, { minLength: 1, maxLength: 4 }),
        fc.domain(),
        async (addresses, name) => {
          const dotted = addresses.map((a) => octets(a).join('.'));
          const guard = urlGuardFor({}, new FakeHostResolver({ [name.toLowerCase()]: dotted }));
          const verdict = await guard.checkOutboundUrl(`https://${name}/`);
          expect(verdict.ok).toBe(!addresses.some(outboundStrictBlocks));
          if (!verdict.ok) for (const text of dotted) expect(verdict.reason).not.toContain(text);
        },
      ),
      RUNS,
    );
  });

  it('never throws, and passes nothing but http(s) URLs, whatever the text', async () => {
    const resolver = new FakeHostResolver();
    const guard = urlGuardFor({}, resolver);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.webUrl({ validSchemes: ['http', 'https', 'ftp', 'file', 'gopher', 'javascript'] }),
          fc
            .tuple(fc.constantFrom('http://', 'https://', 'file://', 'gopher://', ''), fc.string())
            .map(([s, rest]) => s + rest),
        ),
        async (url) => {
          for (const check of [guard.checkOutboundUrl(url), guard.checkRegistrationUrl(url)]) {
            const verdict = await check;
            if (verdict.ok) expect(new URL(url).protocol).toMatch(/^https?:$/);
            else expect(typeof verdict.reason).toBe('string');
          }
        },
      ),
      RUNS,
    );
  });
});
