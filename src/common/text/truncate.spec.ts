import { truncateBytes } from './truncate';

describe('truncateBytes', () => {
  it('leaves short text alone', () => {
    expect(truncateBytes('hello', 5)).toBe('hello');
  });

  it('cuts at the byte limit and appends the suffix', () => {
    expect(truncateBytes('abcdef', 3)).toBe('abc...');
    expect(truncateBytes('abcdef', 3, '…')).toBe('abc…');
  });

  it('never splits a multibyte character', () => {
    // "é" is 2 bytes: a 2-byte cut after "a" would fall inside it.
    expect(truncateBytes('aéb', 2)).toBe('a...');
    expect(truncateBytes('aéb', 3)).toBe('aé...');
    expect(truncateBytes('🙂🙂', 5)).toBe('🙂...');
  });
});
