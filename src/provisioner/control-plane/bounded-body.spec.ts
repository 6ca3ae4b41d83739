import { Readable } from 'node:stream';
import { firstJsonObject, readBounded } from './bounded-body';

describe('firstJsonObject', () => {
  it.each([
    ['{"state":"running"}', { state: 'running' }],
    ['  {"a":{"b":[1,2,{"c":"}"}]}} trailing garbage', { a: { b: [1, 2, { c: '}' }] } }],
    ['{"s":"quote \\" and brace {"}   ', { s: 'quote " and brace {' }],
    [`{"state":"stopped"}${' '.repeat(1000)}`, { state: 'stopped' }],
  ])('decodes %p', (text, value) => {
    expect(firstJsonObject(text)).toEqual(value);
  });

  it.each(['', '   ', '<html>', '"running"', '[1]', '{"state":"runn', 'null'])(
    'refuses %p',
    (text) => {
      expect(() => firstJsonObject(text)).toThrow();
    },
  );
});

describe('readBounded', () => {
  it('reads the whole of a small body', async () => {
    expect(
      (await readBounded(Readable.from([Buffer.from('ab'), Buffer.from('c')]), 10)).toString(),
    ).toBe('abc');
  });

  it('stops at the limit and drops the rest', async () => {
    const body = Readable.from([Buffer.alloc(6, 'a'), Buffer.alloc(6, 'b'), Buffer.alloc(6, 'c')]);
    const read = await readBounded(body, 8);
    expect(read.toString()).toBe('aaaaaabb');
    expect(body.destroyed).toBe(true);
  });
});
