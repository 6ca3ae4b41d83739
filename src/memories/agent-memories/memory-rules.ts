import { badRequest } from '../../common/http/api-error';
import { MEMORY_SCOPES, MemoryScope } from '../../database/entities';

export const DEFAULT_NAMESPACE = 'general';
/** Bytes, as the reference counts them (the column holds 50 characters). */
export const MAX_NAMESPACE_BYTES = 50;
/**
 * Largest memory content accepted, in UTF-8 bytes: the size the reference cut seeded memories
 * to. Its HTTP route had no limit beyond the request body.
 */
export const MAX_CONTENT_BYTES = 100_000;

export function isMemoryScope(value: unknown): value is MemoryScope {
  return MEMORY_SCOPES.includes(value as MemoryScope);
}

/** Empty → `general`; over 50 bytes → 400. */
export function namespaceOf(raw: string | null | undefined): string {
  const namespace = raw || DEFAULT_NAMESPACE;
  if (Buffer.byteLength(namespace, 'utf8') > MAX_NAMESPACE_BYTES)
    throw badRequest('namespace must be <= 50 characters');
  return namespace;
}
