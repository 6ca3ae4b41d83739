import { firstValue } from '../../common/http/query-params';
import { MEMORY_SCOPES, MemoryScope } from '../../database/entities';

export const DEFAULT_MEMORY_LIMIT = 50;

/** Which rows a search reads: one of the three scopes, or (no / unknown scope) the caller's own. */
export type MemoryScopeFilter = MemoryScope | 'OWN';

/**
 * How `q` is matched: full-text search (ranked) from two characters on, a literal substring
 * for a single character; `recent` without `q`. A query made only of stop words falls back to
 * the substring match at run time (it has no lexemes to search for).
 */
export type MemoryMatch =
  | { readonly mode: 'recent' }
  | { readonly mode: 'fts'; readonly q: string }
  | { readonly mode: 'substring'; readonly q: string };

export interface MemorySearch {
  readonly scope: MemoryScopeFilter;
  readonly match: MemoryMatch;
  /** Exact namespace filter; undefined = any. */
  readonly namespace?: string;
  readonly limit: number;
}

/** `GET /workspaces/:id/memories` query (spec 08 §2.4). Nothing here is ever a 400. */
export function parseMemorySearch(query: Record<string, unknown>): MemorySearch {
  const scope = firstValue(query.scope);
  const q = firstValue(query.q) ?? '';
  const namespace = firstValue(query.namespace) ?? '';
  return {
    // Case-sensitive, as in the reference: `local` reads the caller's own rows.
    scope: MEMORY_SCOPES.includes(scope as MemoryScope) ? (scope as MemoryScope) : 'OWN',
    match: matchOf(q),
    namespace: namespace === '' ? undefined : namespace,
    limit: parseLimit(firstValue(query.limit)),
  };
}

function matchOf(q: string): MemoryMatch {
  if (q === '') return { mode: 'recent' };
  // Characters, not bytes: a single accented letter is one character (the reference counted
  // its UTF-8 bytes and sent it to full-text search).
  return [...q].length >= 2 ? { mode: 'fts', q } : { mode: 'substring', q };
}

/**
 * The leading integer of `limit` (`10abc` → 10, as Go's `Sscanf` reads it); 1–49 is used,
 * anything else (absent, 0, negative, ≥ 50, garbage) means 50.
 */
export function parseLimit(text: string | undefined): number {
  const match = /^[ \t\n\r]*([+-]?[0-9]+)/.exec(text ?? '');
  const limit = match ? Number(match[1]) : NaN;
  return limit >= 1 && limit < DEFAULT_MEMORY_LIMIT ? limit : DEFAULT_MEMORY_LIMIT;
}
