import { lookup, LookupAddress } from 'node:dns';
import { Agent } from 'undici';
import { UrlGuard } from './url-guard';

const BLOCKED_ADDRESS = 'MOLECULE_BLOCKED_ADDRESS';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * An undici dispatcher for platform → workspace calls that resolves names at connect time
 * through the outbound URL guard: a workspace URL cannot be re-pointed at a forbidden address
 * between the check and the connection (DNS rebinding). A refused address fails the request
 * with an error `isBlockedAddress` recognises.
 */
export function guardedAgent(urlGuard: UrlGuard, options: Agent.Options = {}): Agent {
  return new Agent({
    ...options,
    connect: {
      ...options.connect,
      lookup: (hostname: string, opts: { all?: boolean }, cb: LookupCallback) =>
        guardedLookup(urlGuard, hostname, opts, cb),
    },
  });
}

/** The connection was refused by the guard (the address, not the peer, said no). */
export function isBlockedAddress(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return (e?.code ?? e?.cause?.code) === BLOCKED_ADDRESS;
}

function guardedLookup(
  urlGuard: UrlGuard,
  hostname: string,
  options: { all?: boolean },
  callback: LookupCallback,
): void {
  lookup(hostname, { all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    if (
      addresses.length === 0 ||
      addresses.some((a) => !urlGuard.isAllowedOutboundAddress(a.address))
    ) {
      return callback(
        Object.assign(new Error(`${hostname} resolves to a blocked address`), {
          code: BLOCKED_ADDRESS,
        }),
        [],
      );
    }
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  });
}
