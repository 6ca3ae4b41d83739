import { Readable } from 'node:stream';
import { readReply } from './response-reader';

const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

describe('readReply', () => {
  it('reads a reply within the cap whole, touching once per chunk', async () => {
    const onChunk = jest.fn();
    const outcome = await readReply(chunks('ab', 'cd'), 10, onChunk);
    expect(outcome).toEqual({ complete: true, bytes: Buffer.from('abcd') });
    expect(onChunk).toHaveBeenCalledTimes(2);
  });

  it('hands back what it read over the cap and leaves the rest readable, nothing lost', async () => {
    const outcome = await readReply(chunks('abc', 'def', 'ghi', 'jkl'), 5, () => undefined);
    if (outcome.complete) throw new Error('expected an incomplete read');
    expect(outcome.head.toString()).toBe('abcdef');
    const rest: string[] = [];
    for await (const chunk of outcome.rest) rest.push(String(chunk));
    expect(rest.join('')).toBe('ghijkl');
  });
});
