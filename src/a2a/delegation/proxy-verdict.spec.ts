import { Readable } from 'node:stream';
import { errorResult, jsonResult, ProxyResult } from '../proxy/proxy-result';
import { isQueuedProxyResponse, isTransientProxyError, proxyVerdict } from './proxy-verdict';

const json = (status: number, body: string): ProxyResult => ({
  kind: 'json',
  status,
  body: Buffer.from(body),
  outcome: 'delivered',
});

describe('isTransientProxyError', () => {
  it.each([
    [502, { error: 'failed to reach workspace agent' }],
    [502, { error: 'workspace URL is not publicly routable' }],
    [502, { error: 'failed to read agent response', delivery_confirmed: false }],
    [503, { error: 'workspace agent unreachable — container restart triggered', restarting: true }],
  ])('retries %i %j', (status, body) => {
    expect(isTransientProxyError(status, JSON.stringify(body))).toBe(true);
  });

  it('retries a 502 whatever its body says otherwise', () => {
    expect(isTransientProxyError(502, '')).toBe(true);
    expect(isTransientProxyError(502, 'not json')).toBe(true);
  });

  it.each([
    [502, { error: 'failed to read agent response', delivery_confirmed: true }],
    [503, { error: 'workspace agent busy — retry after a short backoff', busy: true }],
    [503, { error: 'workspace has no URL', status: 'offline' }],
    [503, { error: 'x', restarting: 'true' }],
    [400, { error: 'invalid JSON' }],
    [403, { error: 'access denied: workspaces cannot communicate per hierarchy rules' }],
    [404, { error: 'workspace not found' }],
    [500, { error: 'lookup failed' }],
  ])('does not retry %i %j', (status, body) => {
    expect(isTransientProxyError(status, JSON.stringify(body))).toBe(false);
  });
});

describe('isQueuedProxyResponse', () => {
  it.each([
    ['{"queued":true,"queue_id":"q","queue_depth":1}', true],
    ['{"queued":false}', false],
    ['{"queued":"true"}', false],
    ['{"queued":1}', false],
    ['[{"queued":true}]', false],
    ['{}', false],
    ['', false],
    ['{"queued":tr', false],
  ])('%p → %p', (body, expected) => {
    expect(isQueuedProxyResponse(body)).toBe(expected);
    expect(isQueuedProxyResponse(Buffer.from(body))).toBe(expected);
  });
});

describe('proxyVerdict', () => {
  it('a reply completes with its text', () => {
    const reply = { jsonrpc: '2.0', id: 1, result: { parts: [{ kind: 'text', text: 'done' }] } };
    expect(proxyVerdict(json(200, JSON.stringify(reply)))).toEqual({
      kind: 'completed',
      text: 'done',
    });
  });

  it('a reply without a text part completes with the raw body', () => {
    expect(proxyVerdict(json(200, '{"result":"plain"}'))).toEqual({
      kind: 'completed',
      text: '{"result":"plain"}',
    });
  });

  it('the proxy queue answer is queued', () => {
    const result = jsonResult(202, { queued: true, queue_id: 'q', queue_depth: 1 }, 'queued');
    expect(proxyVerdict(result)).toEqual({ kind: 'queued' });
  });

  it("an agent's own 202 without queued:true is a completion", () => {
    expect(proxyVerdict(json(202, '{"accepted":true}'))).toEqual({
      kind: 'completed',
      text: '{"accepted":true}',
    });
  });

  it('errors carry the proxy error string and whether to retry', () => {
    expect(proxyVerdict(errorResult(502, 'failed to reach workspace agent', 'failed'))).toEqual({
      kind: 'failed',
      error: 'failed to reach workspace agent',
      transient: true,
    });
    expect(proxyVerdict(errorResult(403, 'access denied'))).toEqual({
      kind: 'failed',
      error: 'access denied',
      transient: false,
    });
  });

  it.each([['{"detail":"x"}'], ['{"error":42}'], ['{"error":""}'], ['<html>']])(
    'an error without an error string is "proxy a2a error": %p',
    (body) => {
      expect(proxyVerdict(json(500, body))).toEqual({
        kind: 'failed',
        error: 'proxy a2a error',
        transient: false,
      });
    },
  );

  it('redirects count as failures', () => {
    expect(proxyVerdict(json(302, '{"error":"Found"}'))).toMatchObject({ kind: 'failed' });
  });

  it('a streamed reply counts as delivered, with no text', () => {
    const stream: ProxyResult = {
      kind: 'stream',
      status: 200,
      contentType: 'application/json',
      stream: Readable.from([]),
      outcome: 'delivered',
    };
    expect(proxyVerdict(stream)).toEqual({ kind: 'completed', text: '' });
  });
});
