import { containsPattern } from './like-pattern';

describe('containsPattern', () => {
  it('wraps q in %…%', () => {
    expect(containsPattern('docs')).toBe('%docs%');
  });

  it('escapes %, _ and \\ so they match themselves', () => {
    expect(containsPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });
});
