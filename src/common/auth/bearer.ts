import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The token of an `Authorization: Bearer <token>` header. The prefix is exact and
 * case-sensitive (`bearer x`, `Token x`, `Bearer ` alone all mean "no token").
 */
export function bearerToken(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !value.startsWith('Bearer ')) return '';
  return value.slice('Bearer '.length).trim();
}

/** Constant-time equality that does not leak the expected value's length either. */
export function secretEquals(presented: string, expected: string): boolean {
  if (expected === '') return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
