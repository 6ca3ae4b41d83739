import { containsNul } from './nul-character';

describe('containsNul', () => {
  it('finds U+0000 in strings, nested values and keys', () => {
    expect(containsNul('a\u0000b')).toBe(true);
    expect(containsNul({ a: ['x', { b: '\u0000' }] })).toBe(true);
    expect(containsNul({ ['k\u0000']: 1 })).toBe(true);
  });

  it('does not mistake the escape text for the character', () => {
    expect(containsNul('\\u0000')).toBe(false);
    expect(containsNul({ a: [1, true, null, 'text'] })).toBe(false);
    expect(containsNul(undefined)).toBe(false);
  });
});
