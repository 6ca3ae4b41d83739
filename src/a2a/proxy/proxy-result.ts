import type { Readable } from 'node:stream';

/**
 * How a proxied call ended, for internal callers (the queue drainer, delegations):
 * - `delivered`: the agent answered (any status);
 * - `queued`: the target was busy and the message is in `a2a_queue` (HTTP 202);
 * - `busy`: the target was busy and nothing was queued;
 * - `rejected`: refused before any dispatch (access, budget, URL, body);
 * - `failed`: the dispatch failed.
 */
export type ProxyOutcome = 'delivered' | 'queued' | 'busy' | 'rejected' | 'failed';

export type ProxyResult =
  | {
      readonly kind: 'json';
      readonly status: number;
      readonly body: Buffer;
      readonly headers?: Readonly<Record<string, string>>;
      readonly outcome: ProxyOutcome;
    }
  | {
      /** A streamed reply (SSE, or JSON too large to hold): written through as it arrives. */
      readonly kind: 'stream';
      readonly status: number;
      readonly contentType: string;
      readonly stream: Readable;
      readonly outcome: 'delivered';
    };

export function jsonResult(
  status: number,
  body: Record<string, unknown>,
  outcome: ProxyOutcome,
  headers?: Record<string, string>,
): ProxyResult {
  return { kind: 'json', status, body: Buffer.from(JSON.stringify(body)), headers, outcome };
}

export function errorResult(
  status: number,
  error: string,
  outcome: ProxyOutcome = 'rejected',
  extra: Record<string, unknown> = {},
): ProxyResult {
  return jsonResult(status, { error, ...extra }, outcome);
}
