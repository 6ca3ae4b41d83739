import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SseLastEvent } from './sse-last-event';

async function run(chunks: string[]) {
  const tap = new SseLastEvent(() => undefined);
  let out = '';
  tap.on('data', (c: Buffer) => (out += c.toString()));
  await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), tap);
  return { out, last: tap.lastJson() };
}

describe('SseLastEvent', () => {
  it('passes the stream through unchanged and keeps the last data event, across chunk splits', async () => {
    const stream = ['data: {"n":1}\n\nda', 'ta: {"n"', ':2}\n\n: comment\n\n'];
    expect(await run(stream)).toEqual({ out: stream.join(''), last: { n: 2 } });
  });

  it('reads a final event without a trailing newline', async () => {
    expect((await run(['data: {"n":1}\n\ndata: {"n":3}'])).last).toEqual({ n: 3 });
  });

  it('does not hoard an endless line', async () => {
    const tap = new SseLastEvent(() => undefined);
    tap.resume();
    await pipeline(Readable.from([Buffer.from('data: ' + 'x'.repeat(2 * 1024 * 1024))]), tap);
    expect((tap as unknown as { partial: string }).partial).toBe('');
  });

  it('gives null when no data line parses', async () => {
    expect((await run([': ping\n\n'])).last).toBeNull();
    expect((await run(['data: not json\n\n'])).last).toBeNull();
  });
});
