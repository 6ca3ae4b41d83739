import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { guardedAgent } from '../common/ssrf/guarded-agent';
import { UrlGuard } from '../common/ssrf/url-guard';

/** A platform → workspace call, authenticated with the workspace's inbound secret. */
export interface InboundCall {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly secret: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Streamed to the workspace as it is read. */
  readonly body?: Readable;
  readonly signal: AbortSignal;
}

/** The workspace's answer: status and headers are in, the body is still streaming. */
export interface InboundReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readable;
}

/**
 * Outbound HTTP to a workspace's own endpoints (`/internal/...`), as a port so tests can
 * inject failures. Rejects when no answer (headers) arrives: refused, unresolvable, blocked
 * by the outbound guard, aborted through `signal`, or the request body broke off first.
 */
export abstract class WorkspaceInbound {
  abstract call(call: InboundCall): Promise<InboundReply>;
}

/**
 * undici, through the outbound guard at connect time. No client timeouts of its own: callers
 * bound the whole exchange with `signal`.
 */
@Injectable()
export class UndiciWorkspaceInbound extends WorkspaceInbound implements OnApplicationShutdown {
  private readonly dispatcher: Agent;

  constructor(urlGuard: UrlGuard) {
    super();
    this.dispatcher = guardedAgent(urlGuard, { headersTimeout: 0, bodyTimeout: 0 });
  }

  async call(call: InboundCall): Promise<InboundReply> {
    const res = await request(call.url, {
      method: call.method,
      headers: { ...call.headers, authorization: `Bearer ${call.secret}` },
      body: call.body,
      signal: call.signal,
      dispatcher: this.dispatcher,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value[0] : value;
    }
    return { status: res.statusCode, headers, body: res.body };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.destroy();
  }
}
