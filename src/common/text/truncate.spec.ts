import { lastBytes, truncateBytes } from './truncate';

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

describe('lastBytes', () => {
  it('keeps short text as it is', () => {
    expect(lastBytes('abc', 3, '…')).toBe('abc');
  });

  it('keeps the last bytes behind the prefix, starting on a character boundary', () => {
    expect(lastBytes('abcdef', 3, '>')).toBe('>def');
    // 'é' is two bytes: a cut inside it moves forward to the next whole character.
    expect(lastBytes('aéé', 3, '')).toBe('é');
    expect(lastBytes('aéé', 4, '')).toBe('éé');
  });
});
