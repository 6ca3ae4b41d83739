import { PassThrough, Readable } from 'node:stream';
import { CappedBody } from './capped-body';

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('CappedBody', () => {
  it('passes a body up to the limit unchanged', async () => {
    const body = new CappedBody(Readable.from([Buffer.from('abc'), Buffer.from('de')]), 5);
    expect((await drain(body)).toString()).toBe('abcde');
    expect(body.failure).toBeUndefined();
  });

  it('fails one byte over the limit, as too large', async () => {
    const body = new CappedBody(Readable.from([Buffer.from('abc'), Buffer.from('def')]), 5);
    await expect(drain(body)).rejects.toThrow();
    expect(body.failure).toBe('too-large');
  });

  it('fails when the source breaks off, as broken off', async () => {
    const source = new PassThrough();
    const body = new CappedBody(source, 100);
    const done = drain(body);
    source.write('abc');
    source.destroy(new Error('ECONNRESET'));
    await expect(done).rejects.toThrow();
    expect(body.failure).toBe('broken-off');
  });
});
