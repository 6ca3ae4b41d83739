import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, errors, request } from 'undici';
import { guardedAgent, isBlockedAddress } from '../../common/ssrf/guarded-agent';
import { UrlGuard } from '../../common/ssrf/url-guard';
import { AgentResponse, AgentTransport, RequestConstructionError } from './agent-transport';

/**
 * The production transport (undici). Names are resolved at connect time through the outbound
 * URL guard, so an agent URL cannot be re-pointed at a forbidden address between the check
 * and the connection. No client-side timeouts: the proxy's own idle timer, ceiling and
 * X-Timeout decide when a call is over.
 */
@Injectable()
export class UndiciAgentTransport extends AgentTransport implements OnApplicationShutdown {
  private readonly dispatcher: Agent;

  constructor(urlGuard: UrlGuard) {
    super();
    this.dispatcher = guardedAgent(urlGuard, { headersTimeout: 0, bodyTimeout: 0 });
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
      if (err instanceof errors.InvalidArgumentError || isBlockedAddress(err)) {
        throw new RequestConstructionError(err instanceof Error ? err.message : String(err));
      }
      throw err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.destroy();
  }
}
