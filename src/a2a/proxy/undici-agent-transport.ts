import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { lookup, LookupAddress } from 'node:dns';
import { Agent, errors, request } from 'undici';
import { UrlGuard } from '../../common/ssrf/url-guard';
import { AgentResponse, AgentTransport, RequestConstructionError } from './agent-transport';

const BLOCKED_ADDRESS = 'MOLECULE_BLOCKED_ADDRESS';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The production transport (undici). Names are resolved at connect time through the outbound
 * URL guard, so an agent URL cannot be re-pointed at a forbidden address between the check
 * and the connection. No client-side timeouts: the proxy's own idle timer, ceiling and
 * X-Timeout decide when a call is over.
 */
@Injectable()
export class UndiciAgentTransport extends AgentTransport implements OnApplicationShutdown {
  private readonly dispatcher: Agent;

  constructor(private readonly urlGuard: UrlGuard) {
    super();
    this.dispatcher = new Agent({
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: {
        lookup: (hostname: string, options: { all?: boolean }, cb: LookupCallback) =>
          this.lookup(hostname, options, cb),
      },
    });
  }

  async post(url: string, body: Buffer, signal: AbortSignal): Promise<AgentResponse> {
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        signal,
        dispatcher: this.dispatcher,
      });
      const contentType = res.headers['content-type'];
      return {
        status: res.statusCode,
        contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? '',
        body: res.body,
      };
    } catch (err) {
      if (err instanceof errors.InvalidArgumentError || codeOf(err) === BLOCKED_ADDRESS) {
        throw new RequestConstructionError(err instanceof Error ? err.message : String(err));
      }
      throw err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.destroy();
  }

  private lookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
    lookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (
        addresses.length === 0 ||
        addresses.some((a) => !this.urlGuard.isAllowedOutboundAddress(a.address))
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
}

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code;
}
