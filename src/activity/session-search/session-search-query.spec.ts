import { parseSessionSearchQuery } from './session-search-query';

describe('parseSessionSearchQuery', () => {
  it('defaults to no text and limit 50', () => {
    expect(parseSessionSearchQuery({})).toEqual({ q: '', limit: 50 });
  });

  it('trims q', () => {
    expect(parseSessionSearchQuery({ q: '  docs \n' }).q).toBe('docs');
  });

  it.each([
    ['75', 75],
    ['200', 200],
    ['9999', 200],
    ['abc', 50],
    ['0', 50],
    ['-1', 50],
    ['2.5', 50],
  ])('limit=%p → %p', (limit, expected) => {
    expect(parseSessionSearchQuery({ limit }).limit).toBe(expected);
  });
});
