import { createHash, randomBytes } from 'node:crypto';

export interface MintedToken {
  /** 43 characters of base64url (32 random bytes, no padding); shown once, never stored. */
  readonly plaintext: string;
  /** Raw 32-byte SHA-256 of the plaintext: the only thing persisted. */
  readonly hash: Buffer;
  /** First 8 plaintext characters, kept so users can tell tokens apart. */
  readonly prefix: string;
}

export function mintToken(random: (size: number) => Buffer = randomBytes): MintedToken {
  const plaintext = random(32).toString('base64url');
  return { plaintext, hash: hashToken(plaintext), prefix: plaintext.slice(0, 8) };
}

export function hashToken(plaintext: string): Buffer {
  return createHash('sha256').update(plaintext).digest();
}
