import { FakeHostResolver } from './testing/fake-host-resolver';
import { urlGuardFor } from './testing/url-guard-for';
import { UrlGuard } from './url-guard';

type Verdict = 'allow' | 'block';
const A: Verdict = 'allow';
const B: Verdict = 'block';

/**
 * The full per-address matrix of spec 02 §11.2 (registration) and §11.3 (outbound), range by
 * range with the first and last address of each range and a neighbour just outside it.
 */
// prettier-ignore
const MATRIX: ReadonlyArray<readonly [address: string, regStrict: Verdict, regSaas: Verdict, outStrict: Verdict, outSaas: Verdict, outDev: Verdict]> = [
  //                                          registration   outbound
  // address                                  strict saas    strict saas dev
  // link-local unicast, cloud metadata
  ['169.254.0.0',                              B, B,          B, B, B],
  ['169.254.169.254',                          B, B,          B, B, B],
  ['169.254.255.255',                          B, B,          B, B, B],
  ['169.253.255.255',                          A, A,          A, A, A],
  ['169.255.0.0',                              A, A,          A, A, A],
  ['fe80::1',                                  B, B,          B, B, B],
  ['fe80::1%eth0',                             B, B,          B, B, B],
  ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',  B, B,          B, B, B],
  ['fec0::1',                                  A, A,          A, A, A],
  // loopback
  ['127.0.0.0',                                B, B,          B, B, A],
  ['127.0.0.1',                                B, B,          B, B, A],
  ['127.255.255.255',                          B, B,          B, B, A],
  ['::1',                                      B, B,          B, B, A],
  // unspecified
  ['0.0.0.0',                                  A, A,          B, B, B],
  ['::',                                       A, A,          B, B, B],
  // TEST-NETs
  ['192.0.2.0',                                B, B,          B, B, B],
  ['192.0.2.255',                              B, B,          B, B, B],
  ['192.0.3.0',                                A, A,          A, A, A],
  ['198.51.100.0',                             B, B,          B, B, B],
  ['198.51.100.255',                           B, B,          B, B, B],
  ['203.0.113.0',                              B, B,          B, B, B],
  ['203.0.113.254',                            B, B,          B, B, B],
  ['203.0.113.255',                            B, B,          B, B, B],
  ['203.0.114.0',                              A, A,          A, A, A],
  // CGNAT (100.100.100.200 is a cloud metadata endpoint too)
  ['100.63.255.255',                           A, A,          A, A, A],
  ['100.64.0.0',                               B, B,          B, B, B],
  ['100.100.100.200',                          B, B,          B, B, B],
  ['100.127.255.255',                          B, B,          B, B, B],
  ['100.128.0.0',                              A, A,          A, A, A],
  // IPv4 multicast: registration blocks 224/4, outbound only link-local 224.0.0.0/24
  ['223.255.255.255',                          A, A,          A, A, A],
  ['224.0.0.0',                                B, B,          B, B, B],
  ['224.0.0.1',                                B, B,          B, B, B],
  ['224.0.0.251',                              B, B,          B, B, B],
  ['224.0.0.255',                              B, B,          B, B, B],
  ['224.0.1.0',                                B, B,          A, A, A],
  ['239.1.2.3',                                B, B,          A, A, A],
  ['239.255.255.255',                          B, B,          A, A, A],
  // IPv6 multicast: outbound blocks link-local (ffx2) and interface-local (ffx1) scopes
  ['ff01::1',                                  A, A,          B, B, B],
  ['ff11::1',                                  A, A,          B, B, B],
  ['ff02::1',                                  A, A,          B, B, B],
  ['ff12::1',                                  A, A,          B, B, B],
  ['fff2::1',                                  A, A,          B, B, B],
  ['ff05::1',                                  A, A,          A, A, A],
  ['ff0e::1',                                  A, A,          A, A, A],
  // fc00::/8 always blocked; fd00::/8 relaxed like RFC-1918
  ['fc00::',                                   B, B,          B, B, B],
  ['fc00::1',                                  B, B,          B, B, B],
  ['fcff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',  B, B,          B, B, B],
  ['fd00::',                                   B, A,          B, A, A],
  ['fd00::1',                                  B, A,          B, A, A],
  ['fd12:3456::1',                             B, A,          B, A, A],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',  B, A,          B, A, A],
  ['fe00::1',                                  A, A,          A, A, A],
  // IPv6 documentation: registration only
  ['2001:db8::',                               B, B,          A, A, A],
  ['2001:db8::1',                              B, B,          A, A, A],
  ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',   B, B,          A, A, A],
  ['2001:db9::1',                              A, A,          A, A, A],
  // RFC-1918
  ['9.255.255.255',                            A, A,          A, A, A],
  ['10.0.0.0',                                 B, A,          B, A, A],
  ['10.0.0.1',                                 B, A,          B, A, A],
  ['10.255.255.255',                           B, A,          B, A, A],
  ['11.0.0.0',                                 A, A,          A, A, A],
  ['172.15.255.255',                           A, A,          A, A, A],
  ['172.16.0.0',                               B, A,          B, A, A],
  ['172.18.0.5',                               B, A,          B, A, A],
  ['172.31.255.255',                           B, A,          B, A, A],
  ['172.32.0.0',                               A, A,          A, A, A],
  ['192.167.255.255',                          A, A,          A, A, A],
  ['192.168.0.0',                              B, A,          B, A, A],
  ['192.168.1.1',                              B, A,          B, A, A],
  ['192.168.255.255',                          B, A,          B, A, A],
  ['192.169.0.0',                              A, A,          A, A, A],
  // reserved class E and broadcast: no rule covers them
  ['240.0.0.1',                                A, A,          A, A, A],
  ['255.255.255.255',                          A, A,          A, A, A],
  // IPv4-mapped IPv6 is judged as the IPv4 address it carries
  ['::ffff:169.254.169.254',                   B, B,          B, B, B],
  ['::ffff:127.0.0.1',                         B, B,          B, B, A],
  ['::ffff:10.0.0.1',                          B, A,          B, A, A],
  ['::ffff:0.0.0.0',                           A, A,          B, B, B],
  ['::ffff:224.0.0.1',                         B, B,          B, B, B],
  ['::ffff:8.8.8.8',                           A, A,          A, A, A],
  // NAT64, 6to4 and IPv4-compatible forms are judged by the IPv4 address they reach too
  ['64:ff9b::169.254.169.254',                 B, B,          B, B, B],
  ['64:ff9b::7f00:1',                          B, B,          B, B, A],
  ['64:ff9b::10.0.0.1',                        B, A,          B, A, A],
  ['64:ff9b::8.8.8.8',                         A, A,          A, A, A],
  ['2002:a9fe:a9fe::1',                        B, B,          B, B, B],
  ['2002:c0a8:101::',                          B, A,          B, A, A],
  ['2002:808:808::1',                          A, A,          A, A, A],
  ['::169.254.169.254',                        B, B,          B, B, B],
  ['::a00:1',                                  B, A,          B, A, A],
  // a network's own NAT64 prefix (RFC 8215) is private
  ['64:ff9b:1::8.8.8.8',                       B, A,          B, A, A],
  // public
  ['8.8.8.8',                                  A, A,          A, A, A],
  ['1.1.1.1',                                  A, A,          A, A, A],
  ['2606:4700:4700::1111',                     A, A,          A, A, A],
  ['2001:4860:4860::8888',                     A, A,          A, A, A],
];

const MODES = {
  strict: {},
  saas: { MOLECULE_DEPLOY_MODE: 'saas' },
  dev: { MOLECULE_ENV: 'development' },
} as const;
type Mode = keyof typeof MODES;

interface Case {
  readonly address: string;
  readonly mode: Mode;
  readonly expected: Verdict;
}

const registrationCases: Case[] = MATRIX.flatMap(([address, strict, saas]) => [
  { address, mode: 'strict', expected: strict },
  { address, mode: 'saas', expected: saas },
  // MOLECULE_ENV has no effect on the registration guard.
  { address, mode: 'dev', expected: strict },
]);

const outboundCases: Case[] = MATRIX.flatMap(([address, , , strict, saas, dev]) => [
  { address, mode: 'strict', expected: strict },
  { address, mode: 'saas', expected: saas },
  { address, mode: 'dev', expected: dev },
]);

/** A literal host; a zone id cannot appear in a WHATWG URL, so those rows only resolve. */
const literalUrl = (address: string): string | undefined => {
  if (address.includes('%')) return undefined;
  return address.includes(':') ? `http://[${address}]:8000/a2a` : `http://${address}:8000/a2a`;
};

type Check = (guard: UrlGuard, url: string) => ReturnType<UrlGuard['checkOutboundUrl']>;

describe.each([
  ['registration guard (§11.2)', registrationCases, (g, u) => g.checkRegistrationUrl(u)],
  ['outbound guard (§11.3)', outboundCases, (g, u) => g.checkOutboundUrl(u)],
] as [string, Case[], Check][])('%s address matrix', (_name, cases, check) => {
  const literalCases = cases.filter((c) => literalUrl(c.address) !== undefined);

  it.each(literalCases)(
    '$mode: literal $address → $expected',
    async ({ address, mode, expected }) => {
      const resolver = new FakeHostResolver();
      const result = await check(urlGuardFor(MODES[mode], resolver), literalUrl(address)!);

      expect(result.ok ? 'allow' : 'block').toBe(expected);
      if (!result.ok) expect(result.reason).toMatch(/^forbidden [a-zA-Z -]+ IP \S+$/);
      expect(resolver.calls).toEqual([]);
    },
  );

  it.each(cases)(
    '$mode: name resolving to $address → $expected',
    async ({ address, mode, expected }) => {
      const resolver = new FakeHostResolver({ 'agent.internal.test': [address] });
      const result = await check(
        urlGuardFor(MODES[mode], resolver),
        'http://agent.internal.test:8000/',
      );

      expect(result.ok ? 'allow' : 'block').toBe(expected);
      if (!result.ok) {
        expect(result.reason).toMatch(
          /^hostname "agent\.internal\.test" resolves to a blocked address \([a-zA-Z -]+\)$/,
        );
        // The caller must not learn what the name resolves to inside our network.
        expect(result.reason).not.toContain(address);
      }
      expect(resolver.calls).toEqual(['agent.internal.test']);
    },
  );
});
