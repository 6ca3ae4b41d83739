import { redactSecrets } from './secret-redaction';

describe('redactSecrets (spec 08 §2.3, memories_test.go)', () => {
  it.each([[''], ['plain text'], ['deploy to prod on friday'], ['short abc123 id']])(
    'leaves %p unchanged',
    (text) => {
      expect(redactSecrets(text)).toBe(text);
    },
  );

  it.each([
    ['OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx', '[REDACTED:API_KEY]'],
    ['ANTHROPIC_API_KEY = sk-ant-xyz', '[REDACTED:API_KEY]'],
    ['openai_api_key=lower', '[REDACTED:API_KEY]'],
    ['MY_SERVICE_TOKEN=abc123', '[REDACTED:TOKEN]'],
    ['DATABASE_SECRET=hunter2', '[REDACTED:SECRET]'],
  ])('redacts the whole assignment %p', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('redacts the value up to the next ASCII space only', () => {
    expect(redactSecrets('use GITHUB_TOKEN=ghp_x then go')).toBe('use [REDACTED:TOKEN] then go');
  });

  it('redacts bearer tokens (case-sensitive Bearer)', () => {
    expect(redactSecrets('Authorization: Bearer ghp_abc123')).toBe(
      'Authorization: [REDACTED:BEARER_TOKEN]',
    );
    expect(redactSecrets('bearer abc')).toBe('bearer abc');
  });

  it('leaves no raw sk- value behind', () => {
    const out = redactSecrets('key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv-_x done');
    expect(out).not.toContain('sk-ant');
    expect(out).toContain('[REDACTED:SK_TOKEN]');
  });

  it('redacts ctx7 tokens', () => {
    expect(redactSecrets('ctx7_abcDEF123')).toBe('[REDACTED:CTX7_TOKEN]');
  });

  it('redacts base64 blobs of 33+ characters (and, pinned, SHAs and long paths)', () => {
    expect(redactSecrets(`blob ${'A'.repeat(33)}== end`)).toBe('blob [REDACTED:BASE64_BLOB] end');
    expect(redactSecrets('A'.repeat(32))).toBe('A'.repeat(32));
    expect(redactSecrets('commit 0123456789abcdef0123456789abcdef01234567')).toBe(
      'commit [REDACTED:BASE64_BLOB]',
    );
    expect(redactSecrets('see src/components/MemoryInspectorPanel.tsx')).toBe(
      'see [REDACTED:BASE64_BLOB].tsx',
    );
  });

  it('treats only ASCII whitespace as a separator, as RE2 does', () => {
    // A no-break space is not `\s` in RE2: it is part of the value.
    expect(redactSecrets('A_TOKEN=x\u00a0y z')).toBe('[REDACTED:TOKEN] z');
    expect(redactSecrets('Bearer\u00a0abc')).toBe('Bearer\u00a0abc');
  });
});
