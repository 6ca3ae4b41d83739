import { parseSecretsEncryptionKey } from './secret-key';

const base64Of = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

describe('parseSecretsEncryptionKey', () => {
  it('treats an empty value as unset', () => {
    expect(parseSecretsEncryptionKey('')).toEqual({ kind: 'unset' });
  });

  it('decodes a base64 key of 32 bytes', () => {
    expect(parseSecretsEncryptionKey(base64Of(32))).toEqual({
      kind: 'valid',
      key: Buffer.alloc(32, 7),
    });
  });

  it('skips CR and LF inside a base64 key, as Go does', () => {
    const wrapped = `${base64Of(32).slice(0, 20)}\r\n${base64Of(32).slice(20)}\n`;
    expect(parseSecretsEncryptionKey(wrapped)).toEqual({ kind: 'valid', key: Buffer.alloc(32, 7) });
  });

  it('uses a 32-byte value that is not base64 as the raw key', () => {
    const raw = 'raw-key-'.repeat(4);
    expect(parseSecretsEncryptionKey(raw)).toEqual({ kind: 'valid', key: Buffer.from(raw) });
  });

  it.each([
    [base64Of(16), 16],
    [base64Of(64), 64],
    // The reference quirk: 32 raw characters, all in the base64 alphabet, decode to 24 bytes.
    ['abcdefghijklmnopqrstuvwxyz012345', 24],
  ])('rejects base64 %p that decodes to %p bytes', (raw, bytes) => {
    expect(parseSecretsEncryptionKey(raw)).toEqual({
      kind: 'invalid',
      reason: `SECRETS_ENCRYPTION_KEY decoded to ${bytes} bytes (expected 32). Encryption disabled`,
    });
  });

  it.each([['short-key'], ['raw-key-'.repeat(4) + '!'], [base64Of(32).replace(/=$/, '')]])(
    'rejects %p: neither base64 nor 32 bytes',
    (raw) => {
      expect(parseSecretsEncryptionKey(raw)).toEqual({
        kind: 'invalid',
        reason:
          'SECRETS_ENCRYPTION_KEY is set but invalid (not base64 and not 32 bytes). Encryption disabled',
      });
    },
  );
});
