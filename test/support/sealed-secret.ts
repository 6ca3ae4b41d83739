import { createDecipheriv } from 'node:crypto';

/** Opens a secret as stored with encryption on: nonce (12) ‖ ciphertext ‖ tag (16), AES-256-GCM. */
export function openSealedSecret(key: Buffer, sealed: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([
    decipher.update(sealed.subarray(12, sealed.length - 16)),
    decipher.final(),
  ]).toString('utf8');
}
