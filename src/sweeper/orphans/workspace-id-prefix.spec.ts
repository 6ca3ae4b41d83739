import { isLikelyWorkspaceId, prefixPatterns } from './workspace-id-prefix';

describe('isLikelyWorkspaceId', () => {
  it.each([
    'abc123def456',
    'ABC123DEF456',
    '0123abcd-ef0',
    'a',
    'deadbeef-1234-5678-9abc-def012345678',
  ])('accepts %p', (prefix) => expect(isLikelyWorkspaceId(prefix)).toBe(true));

  it.each(['', '_', '%', 'abc_def', 'abc%', 'abc def', 'ghijkl', 'abc123xyz', "a'b", 'é'])(
    'rejects %p',
    (prefix) => expect(isLikelyWorkspaceId(prefix)).toBe(false),
  );
});

describe('prefixPatterns', () => {
  it('keeps only workspace-shaped prefixes, once each, as lower-case LIKE patterns', () => {
    expect(
      prefixPatterns(['abc123def456', '%', 'ABC123DEF456', 'x_y', '', '0000aaaa-bbb']),
    ).toEqual([
      { prefix: 'abc123def456', pattern: 'abc123def456%' },
      { prefix: '0000aaaa-bbb', pattern: '0000aaaa-bbb%' },
    ]);
  });

  it('is empty for no containers', () => {
    expect(prefixPatterns([])).toEqual([]);
  });
});
