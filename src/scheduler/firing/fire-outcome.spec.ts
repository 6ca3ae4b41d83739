import { PassThrough } from 'node:stream';
import { errorResult, jsonResult, ProxyResult } from '../../a2a/proxy/proxy-result';
import { classifyFire, isEmptyReply, skippedReason, staleError } from './fire-outcome';

const reply = (text: string) =>
  jsonResult(
    200,
    { jsonrpc: '2.0', id: '1', result: { parts: [{ kind: 'text', text }] } },
    'delivered',
  );

describe('classifyFire', () => {
  it('a reply is ok, empty or not', () => {
    expect(classifyFire(reply('done'))).toEqual({ status: 'ok', error: '', emptyReply: false });
    expect(classifyFire(reply(''))).toEqual({ status: 'ok', error: '', emptyReply: true });
  });

  it('a queued 202 is queued, not ok (decided)', () => {
    const queued = jsonResult(
      202,
      { queued: true, queue_id: 'q', queue_depth: 1, message: 'm' },
      'queued',
    );
    expect(classifyFire(queued)).toEqual({ status: 'queued', error: '' });
  });

  it("any status from 300 up is an error with the proxy's error string", () => {
    expect(classifyFire(errorResult(503, 'workspace has no URL'))).toEqual({
      status: 'error',
      error: 'workspace has no URL',
    });
    expect(classifyFire(jsonResult(502, { oops: 1 }, 'failed'))).toEqual({
      status: 'error',
      error: 'proxy a2a error',
    });
    expect(classifyFire(jsonResult(500, { error: '' }, 'delivered'))).toEqual({
      status: 'error',
      error: 'proxy a2a error',
    });
  });

  it('a streamed reply (too large to hold) is ok and not empty', () => {
    const stream: ProxyResult = {
      kind: 'stream',
      status: 200,
      contentType: 'application/json',
      stream: new PassThrough(),
      outcome: 'delivered',
    };
    expect(classifyFire(stream)).toEqual({ status: 'ok', error: '', emptyReply: false });
  });
});

describe('isEmptyReply', () => {
  it.each([
    ['', true],
    ['{"result":{"parts":[{"kind":"text","text":""}]}}', true],
    ['{"result":{"parts":[{"kind":"text", "text": ""}]}}', true],
    ['{"result":{"parts":[{"text":"(no response generated)"}]}}', true],
    // One empty part marks the whole reply empty (a substring test, as in the reference).
    ['{"parts":[{"text":"a"},{"text":""}]}', true],
    ['{"result":{"parts":[{"kind":"text","text":"hello"}]}}', false],
  ])('%p → %p', (body, empty) => {
    expect(isEmptyReply(Buffer.from(body))).toBe(empty);
  });
});

describe('texts', () => {
  it('match the reference', () => {
    expect(staleError(4)).toBe(
      'empty response 4 consecutive times — agent may be phantom-producing (#795)',
    );
    expect(skippedReason(2)).toBe('skipped: workspace busy (active_tasks=2)');
  });
});
