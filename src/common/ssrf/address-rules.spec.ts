import {
  blockedCategory,
  isPrivateOrMetadataIP,
  OUTBOUND_RULES,
  parseAddress,
  Posture,
  REGISTRATION_BLOCKLIST,
} from './address-rules';

const STRICT: Posture = { saas: false, dev: false };
const SAAS: Posture = { saas: true, dev: false };
const DEV: Posture = { saas: false, dev: true };

describe('parseAddress', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1', 'ipv4'],
    ['::1', '::1', 'ipv6'],
    ['2606:4700:4700::1111', '2606:4700:4700::1111', 'ipv6'],
    ['::ffff:169.254.169.254', '169.254.169.254', 'ipv4'],
    ['::ffff:a9fe:a9fe', '169.254.169.254', 'ipv4'],
    ['fe80::1%eth0', 'fe80::1%eth0', 'ipv6'],
  ])('%s → %s (%s)', (text, printed, kind) => {
    const address = parseAddress(text);

    expect(address?.toString()).toBe(printed);
    expect(address?.kind()).toBe(kind);
  });

  it.each([
    '',
    'localhost',
    '127.1',
    '2130706433',
    '0x7f.0.0.1',
    '[::1]',
    '1.2.3.4.5',
    '10.0.0.256',
  ])('refuses %j (only dotted quads and IPv6 are addresses)', (text) => {
    expect(parseAddress(text)).toBeUndefined();
  });
});

describe('blockedCategory', () => {
  const category = (address: string, rules = OUTBOUND_RULES, posture = STRICT) =>
    blockedCategory(parseAddress(address)!, rules, posture);

  it('names the first rule that blocks, and nothing when no rule does', () => {
    expect(category('127.0.0.1')).toBe('loopback');
    expect(category('169.254.169.254')).toBe('link-local');
    expect(category('fe80::1%eth0')).toBe('link-local');
    expect(category('ff12::1')).toBe('link-local multicast');
    expect(category('fd00::1')).toBe('private');
    expect(category('8.8.8.8')).toBeUndefined();
    expect(category('239.1.2.3', REGISTRATION_BLOCKLIST)).toBe('multicast');
    expect(category('2001:db8::1', REGISTRATION_BLOCKLIST)).toBe('documentation');
  });

  it('skips a relaxed rule and lets the rest still block', () => {
    expect(category('127.0.0.1', OUTBOUND_RULES, DEV)).toBeUndefined();
    expect(category('10.0.0.1', OUTBOUND_RULES, SAAS)).toBeUndefined();
    expect(category('169.254.169.254', OUTBOUND_RULES, { saas: true, dev: true })).toBe(
      'link-local',
    );
  });

  it('compares each address only with ranges of its own family', () => {
    expect(category('0.0.0.1')).toBeUndefined();
    expect(category('::2')).toBeUndefined();
  });
});

describe('isPrivateOrMetadataIP (§11.4 helper semantics)', () => {
  it.each([
    // RFC-1918 edges
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['172.16.0.0', true],
    ['172.31.255.255', true],
    ['192.168.0.0', true],
    ['192.168.255.255', true],
    ['172.15.255.255', false],
    ['172.32.0.0', false],
    // metadata
    ['169.254.169.254', true],
    ['169.254.0.0', true],
    // CGNAT edges
    ['100.64.0.0', true],
    ['100.127.255.255', true],
    ['100.63.255.255', false],
    ['100.128.0.0', false],
    // TEST-NETs
    ['192.0.2.1', true],
    ['198.51.100.1', true],
    ['203.0.113.1', true],
    ['203.0.113.254', true],
    // public
    ['8.8.8.8', false],
    ['1.1.1.1', false],
  ])('strict: %s → %s', (address, expected) => {
    expect(isPrivateOrMetadataIP(address, STRICT)).toBe(expected);
  });

  it.each([
    ['::1', true],
    ['fe80::1', true],
    ['fe80::abcd:1234', true],
    ['fc00::1', true],
    ['fd12::1', true],
    ['2606:4700:4700::1111', false],
    ['2001:4860:4860::8888', false],
  ])('strict IPv6: %s → %s', (address, expected) => {
    expect(isPrivateOrMetadataIP(address, STRICT)).toBe(expected);
  });

  it.each([
    ['10.0.0.1', false],
    ['172.20.1.1', false],
    ['192.168.1.1', false],
    ['fd12::1', false],
    ['169.254.169.254', true],
    ['::1', true],
    ['fe80::1', true],
    ['fc00::1', true],
    ['192.0.2.1', true],
    ['198.51.100.1', true],
    ['203.0.113.1', true],
    ['100.64.0.1', true],
  ])('SaaS: %s → %s', (address, expected) => {
    expect(isPrivateOrMetadataIP(address, SAAS)).toBe(expected);
  });

  it('leaves IPv4 loopback, unspecified and multicast to the caller', () => {
    for (const posture of [STRICT, SAAS, DEV]) {
      expect(isPrivateOrMetadataIP('127.0.0.1', posture)).toBe(false);
      expect(isPrivateOrMetadataIP('0.0.0.0', posture)).toBe(false);
      expect(isPrivateOrMetadataIP('224.0.0.1', posture)).toBe(false);
    }
  });

  it('reports ::1 unless dev mode, and relaxes RFC-1918 and fd00::/8 (not fc00::/8) in dev', () => {
    expect(isPrivateOrMetadataIP('::1', DEV)).toBe(false);
    expect(isPrivateOrMetadataIP('::ffff:10.0.0.1', DEV)).toBe(false);
    expect(isPrivateOrMetadataIP('fd00::1', DEV)).toBe(false);
    expect(isPrivateOrMetadataIP('fc00::1', DEV)).toBe(true);
    expect(isPrivateOrMetadataIP('169.254.169.254', DEV)).toBe(true);
  });

  it('is false for text that is not an address', () => {
    expect(isPrivateOrMetadataIP('metadata.google.internal', STRICT)).toBe(false);
  });
});
