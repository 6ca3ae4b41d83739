import { Readable } from 'node:stream';
import { jsonResult, ProxyResult } from '../proxy/proxy-result';
import { failureMessage } from './queue-drainer';

const raw = (status: number, body: string): ProxyResult => ({
  kind: 'json',
  status,
  body: Buffer.from(body),
  outcome: 'failed',
});

describe('failureMessage', () => {
  it('uses the error string of the error response', () => {
    expect(
      failureMessage(
        jsonResult(
          403,
          { error: 'access denied: workspaces cannot communicate per hierarchy rules' },
          'rejected',
        ),
      ),
    ).toBe('access denied: workspaces cannot communicate per hierarchy rules');
  });

  it.each([
    [raw(502, ''), 'Bad Gateway'],
    [raw(500, '{"detail":"x"}'), 'Internal Server Error'],
    [raw(503, '{"error":42}'), 'Service Unavailable'],
    [raw(503, '{"error":""}'), 'Service Unavailable'],
    [raw(418, ''), "I'm a teapot"],
    [raw(509, ''), 'unknown drain dispatch error'],
    [raw(599, 'not json'), 'unknown drain dispatch error'],
  ])('falls back to the reason phrase without crashing: %#', (result, expected) => {
    expect(failureMessage(result)).toBe(expected);
  });

  it('a stream has no error body', () => {
    expect(
      failureMessage({
        kind: 'stream',
        status: 200,
        contentType: 'text/event-stream',
        stream: Readable.from([]),
        outcome: 'delivered',
      }),
    ).toBe('unknown drain dispatch error');
  });
});
