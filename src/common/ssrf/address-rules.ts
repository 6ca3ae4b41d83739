import * as ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** The deployment facts that can relax a rule. */
export interface Posture {
  readonly saas: boolean;
  readonly dev: boolean;
}

/**
 * Who may lift a block: nobody; dev mode only (loopback); or a trusted intra-network
 * deployment — SaaS (sibling VMs in one VPC) or dev (sibling containers on one bridge).
 */
export type Relaxation = 'never' | 'dev' | 'trusted-network';

export interface AddressRule {
  readonly category: string;
  readonly cidrs: readonly string[];
  readonly relaxedBy: Relaxation;
  readonly ranges: readonly [IpAddress, number][];
}

/** One row of a rules table; the CIDRs are parsed once, when the table is built. */
function rule(category: string, cidrs: readonly string[], relaxedBy: Relaxation): AddressRule {
  return { category, cidrs, relaxedBy, ranges: cidrs.map((cidr) => ipaddr.parseCIDR(cidr)) };
}

const RFC_1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
/** RFC 8215: a network's own NAT64 prefix reaches whatever IPv4 that network reaches. */
const NAT64_LOCAL_USE = '64:ff9b:1::/48';
const TEST_NETS = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'];

/** IPv6 multicast of one scope, whatever its flags: `ffX<scope>::/16` for every flag nibble X. */
function ipv6MulticastScope(scope: 1 | 2): string[] {
  return [...'0123456789abcdef'].map((flags) => `ff${flags}${scope}::/16`);
}

/** §11.2: addresses a workspace may not register. */
export const REGISTRATION_BLOCKLIST: readonly AddressRule[] = [
  // 169.254.169.254 is the cloud metadata endpoint.
  rule('link-local', ['169.254.0.0/16', 'fe80::/10'], 'never'),
  rule('loopback', ['127.0.0.0/8', '::1/128'], 'never'),
  rule('TEST-NET', TEST_NETS, 'never'),
  rule('CGNAT', ['100.64.0.0/10'], 'never'),
  rule('multicast', ['224.0.0.0/4'], 'never'),
  rule('unique-local', ['fc00::/8'], 'never'),
  rule('documentation', ['2001:db8::/32'], 'never'),
  rule('private', [...RFC_1918, 'fd00::/8', NAT64_LOCAL_USE], 'trusted-network'),
];

/** The address-class pre-checks `isSafeURL` runs before `isPrivateOrMetadataIP`. */
const ADDRESS_CLASS_RULES: readonly AddressRule[] = [
  rule('loopback', ['127.0.0.0/8', '::1/128'], 'dev'),
  rule('unspecified', ['0.0.0.0/32', '::/128'], 'never'),
  rule('link-local', ['169.254.0.0/16', 'fe80::/10'], 'never'),
  rule('link-local multicast', ['224.0.0.0/24', ...ipv6MulticastScope(2)], 'never'),
  rule('interface-local multicast', ipv6MulticastScope(1), 'never'),
];

/** §11.4: the reference's `isPrivateOrMetadataIP` (IPv4 loopback is not its concern). */
const PRIVATE_OR_METADATA_RULES: readonly AddressRule[] = [
  rule('link-local', ['169.254.0.0/16', 'fe80::/10'], 'never'),
  rule('TEST-NET', TEST_NETS, 'never'),
  rule('CGNAT', ['100.64.0.0/10'], 'never'),
  rule('private', [...RFC_1918, 'fd00::/8', NAT64_LOCAL_USE], 'trusted-network'),
  rule('loopback', ['::1/128'], 'dev'),
  rule('unique-local', ['fc00::/8'], 'never'),
];

/**
 * §11.3: per-address rules of the outbound guard. The helper's own link-local and ::1 rows
 * repeat class rules with the same relaxation, exactly as in the reference.
 */
export const OUTBOUND_RULES: readonly AddressRule[] = [
  ...ADDRESS_CLASS_RULES,
  ...PRIVATE_OR_METADATA_RULES,
];

/**
 * Parses one address as written by a URL host or a resolver: dotted-quad IPv4 or IPv6
 * (zone id allowed). IPv4-mapped IPv6 comes back as IPv4 so it meets the IPv4 rules.
 */
export function parseAddress(text: string): IpAddress | undefined {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text) && !ipaddr.IPv6.isValid(text)) return undefined;
  return ipaddr.process(text);
}

/**
 * The category of the first rule that matches `address` and is not relaxed in this posture;
 * undefined means the address is allowed. An IPv6 address that delivers to an IPv4 one is
 * judged as both.
 */
export function blockedCategory(
  address: IpAddress,
  rules: readonly AddressRule[],
  posture: Posture,
): string | undefined {
  const embedded = embeddedIPv4(address);
  return (
    firstBlocking(address, rules, posture) ??
    (embedded ? firstBlocking(embedded, rules, posture) : undefined)
  );
}

function firstBlocking(
  address: IpAddress,
  rules: readonly AddressRule[],
  posture: Posture,
): string | undefined {
  const match = rules.find(
    (r) => !isRelaxed(r.relaxedBy, posture) && r.ranges.some((range) => inRange(address, range)),
  );
  return match?.category;
}

/**
 * IPv6 forms whose packets end at an IPv4 address — NAT64's well-known prefix (RFC 6052), 6to4
 * (RFC 3056) and the deprecated IPv4-compatible form — with the byte offset of that address.
 * IPv4-mapped addresses need no entry: they parse as IPv4. The reference judged these as plain
 * IPv6, so `[64:ff9b::169.254.169.254]` passed both guards.
 */
const IPV4_EMBEDDINGS: readonly { readonly range: [IpAddress, number]; readonly at: number }[] = [
  { range: ipaddr.parseCIDR('64:ff9b::/96'), at: 12 },
  { range: ipaddr.parseCIDR('2002::/16'), at: 2 },
  { range: ipaddr.parseCIDR('::/96'), at: 12 },
];

function embeddedIPv4(address: IpAddress): ipaddr.IPv4 | undefined {
  if (address.kind() !== 'ipv6') return undefined;
  const embedding = IPV4_EMBEDDINGS.find((e) => address.match(e.range));
  if (!embedding) return undefined;
  return new ipaddr.IPv4(address.toByteArray().slice(embedding.at, embedding.at + 4));
}

/** §11.4 helper semantics; an unparseable address is not this helper's concern either. */
export function isPrivateOrMetadataIP(address: string, posture: Posture): boolean {
  const parsed = parseAddress(address);
  return (
    parsed !== undefined &&
    blockedCategory(parsed, PRIVATE_OR_METADATA_RULES, posture) !== undefined
  );
}

function isRelaxed(relaxedBy: Relaxation, posture: Posture): boolean {
  switch (relaxedBy) {
    case 'never':
      return false;
    case 'dev':
      return posture.dev;
    case 'trusted-network':
      return posture.saas || posture.dev;
  }
}

function inRange(address: IpAddress, range: [IpAddress, number]): boolean {
  // ipaddr.js throws when asked to match an IPv4 address against an IPv6 range.
  return address.kind() === range[0].kind() && address.match(range);
}
