/** What `SECRETS_ENCRYPTION_KEY` amounts to: no key, a usable AES-256 key, or a rejected value. */
export type ParsedSecretKey =
  { kind: 'unset' } | { kind: 'valid'; key: Buffer } | { kind: 'invalid'; reason: string };

const KEY_BYTES = 32;

// Go's base64.StdEncoding: padding mandatory; CR and LF are skipped wherever they appear.
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads the key as the reference does: valid standard base64 must decode to 32 bytes; only a
 * value that is not base64 may be a 32-byte raw key. So a 32-character raw key made only of
 * base64 characters decodes to 24 bytes and is rejected (kept for parity).
 * The reasons never contain key material.
 */
export function parseSecretsEncryptionKey(raw: string): ParsedSecretKey {
  if (raw === '') return { kind: 'unset' };

  const base64 = raw.replace(/[\r\n]/g, '');
  if (STD_BASE64.test(base64)) {
    const decoded = Buffer.from(base64, 'base64');
    if (decoded.length === KEY_BYTES) return { kind: 'valid', key: decoded };
    return {
      kind: 'invalid',
      reason: `SECRETS_ENCRYPTION_KEY decoded to ${decoded.length} bytes (expected 32). Encryption disabled`,
    };
  }

  const bytes = Buffer.from(raw, 'utf8');
  if (bytes.length === KEY_BYTES) return { kind: 'valid', key: bytes };
  return {
    kind: 'invalid',
    reason:
      'SECRETS_ENCRYPTION_KEY is set but invalid (not base64 and not 32 bytes). Encryption disabled',
  };
}
