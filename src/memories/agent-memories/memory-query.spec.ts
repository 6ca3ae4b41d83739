import { parseLimit, parseMemorySearch } from './memory-query';

describe('parseMemorySearch', () => {
  it('defaults: own rows, newest first, no namespace, 50', () => {
    expect(parseMemorySearch({})).toEqual({
      scope: 'OWN',
      match: { mode: 'recent' },
      namespace: undefined,
      limit: 50,
    });
  });

  it.each([
    ['LOCAL', 'LOCAL'],
    ['TEAM', 'TEAM'],
    ['GLOBAL', 'GLOBAL'],
    ['local', 'OWN'],
    ['Team', 'OWN'],
    ['PRIVATE', 'OWN'],
    ['', 'OWN'],
  ])('scope %p reads %p (case-sensitive)', (scope, expected) => {
    expect(parseMemorySearch({ scope }).scope).toBe(expected);
  });

  it('two characters or more: full-text search; one character: substring', () => {
    expect(parseMemorySearch({ q: 'zinc theme' }).match).toEqual({ mode: 'fts', q: 'zinc theme' });
    expect(parseMemorySearch({ q: 'ab' }).match).toEqual({ mode: 'fts', q: 'ab' });
    expect(parseMemorySearch({ q: 'a' }).match).toEqual({ mode: 'substring', q: 'a' });
    // One character, several UTF-8 bytes: still one character.
    expect(parseMemorySearch({ q: 'é' }).match).toEqual({ mode: 'substring', q: 'é' });
    expect(parseMemorySearch({ q: '😀' }).match).toEqual({ mode: 'substring', q: '😀' });
  });

  it('takes the first of repeated parameters and the namespace as given', () => {
    expect(parseMemorySearch({ scope: ['TEAM', 'LOCAL'], namespace: 'procedures' })).toMatchObject({
      scope: 'TEAM',
      namespace: 'procedures',
    });
  });
});

describe('parseLimit', () => {
  it.each([
    [undefined, 50],
    ['', 50],
    ['10', 10],
    ['1', 1],
    ['49', 49],
    ['50', 50],
    ['100', 50],
    ['0', 50],
    ['-5', 50],
    ['10abc', 10],
    [' 7', 7],
    ['abc', 50],
    ['99999999999999999999999', 50],
  ])('%p → %p', (text, expected) => {
    expect(parseLimit(text)).toBe(expected);
  });
});
