import { Injectable } from '@nestjs/common';
import {
  AddressRule,
  blockedCategory,
  IpAddress,
  OUTBOUND_RULES,
  parseAddress,
  Posture,
  REGISTRATION_BLOCKLIST,
} from './address-rules';
import { DeployMode } from './deploy-mode';
import { HostResolver } from './host-resolver';

export type UrlCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: UrlCheck = { ok: true };
const reject = (reason: string): UrlCheck => ({ ok: false, reason });

/** An http(s) URL's host: an IP literal carries its parsed address, a name does not. */
interface Target {
  readonly hostname: string;
  readonly address?: IpAddress;
}

/** The two SSRF guards of spec 02 §11. Both resolve names through the `HostResolver` port. */
@Injectable()
export class UrlGuard {
  constructor(
    private readonly mode: DeployMode,
    private readonly resolver: HostResolver,
  ) {}

  /** §11.2, for the URL a workspace registers with. */
  async checkRegistrationUrl(url: string): Promise<UrlCheck> {
    const target = parseHttpTarget(url);
    if ('reason' in target) return reject(target.reason);
    // MOLECULE_ENV has no effect here: only SaaS mode trusts the private ranges.
    const posture: Posture = { saas: this.mode.isSaas, dev: false };
    if (target.address) return checkLiteral(target.address, REGISTRATION_BLOCKLIST, posture);
    // Exempt by name as in the reference; the outbound guard still judges it before any call.
    if (target.hostname === 'localhost') return OK;
    return this.checkResolved(target.hostname, REGISTRATION_BLOCKLIST, posture);
  }

  /** §11.3 (`isSafeURL`), before the platform contacts a workspace URL. */
  async checkOutboundUrl(url: string): Promise<UrlCheck> {
    const target = parseHttpTarget(url);
    if ('reason' in target) return reject(target.reason);
    const posture: Posture = { saas: this.mode.isSaas, dev: this.mode.isDev };
    if (target.address) return checkLiteral(target.address, OUTBOUND_RULES, posture);
    return this.checkResolved(target.hostname, OUTBOUND_RULES, posture);
  }

  /**
   * The outbound rule for one resolved address, for checks at connect time: an HTTP client
   * that re-resolves a name after `checkOutboundUrl` must still land on an allowed address
   * (closes DNS rebinding between the check and the connection).
   */
  isAllowedOutboundAddress(text: string): boolean {
    const address = parseAddress(text);
    if (!address) return false;
    return (
      blockedCategory(address, OUTBOUND_RULES, { saas: this.mode.isSaas, dev: this.mode.isDev }) ===
      undefined
    );
  }

  /** Every address a name resolves to must pass; the reasons never name the address. */
  private async checkResolved(
    hostname: string,
    rules: readonly AddressRule[],
    posture: Posture,
  ): Promise<UrlCheck> {
    let addresses: string[];
    try {
      addresses = await this.resolver.resolve(hostname);
    } catch {
      return reject(`hostname "${hostname}" could not be resolved`);
    }
    if (addresses.length === 0) return reject(`hostname "${hostname}" resolves to no addresses`);
    for (const text of addresses) {
      const address = parseAddress(text);
      if (!address) return reject(`hostname "${hostname}" resolves to an unrecognised address`);
      const category = blockedCategory(address, rules, posture);
      if (category) {
        return reject(`hostname "${hostname}" resolves to a blocked address (${category})`);
      }
    }
    return OK;
  }
}

function checkLiteral(
  address: IpAddress,
  rules: readonly AddressRule[],
  posture: Posture,
): UrlCheck {
  const category = blockedCategory(address, rules, posture);
  return category ? reject(`forbidden ${category} IP ${address.toString()}`) : OK;
}

function parseHttpTarget(url: string): Target | { readonly reason: string } {
  if (url === '') return { reason: 'empty URL' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { reason: 'invalid URL' };
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return { reason: `forbidden scheme "${scheme}"` };
  // WHATWG parsing refuses an http(s) URL without a host (`http:///`), lowercases the name
  // and normalises every IPv4 notation (`0x7f.1`, `2130706433`) to a dotted quad.
  const hostname = parsed.hostname;
  if (hostname.startsWith('[')) {
    const address = parseAddress(hostname.slice(1, -1));
    return address ? { hostname, address } : { reason: 'invalid URL' };
  }
  return { hostname, address: parseAddress(hostname) };
}
