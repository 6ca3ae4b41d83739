import { atoi, firstValue } from '../../common/http/query-params';

export const DEFAULT_SEARCH_LIMIT = 50;
export const MAX_SEARCH_LIMIT = 200;

export interface SessionSearchQuery {
  /** Trimmed; empty = no text filter. */
  readonly q: string;
  readonly limit: number;
}

/** `q` and `limit` of `GET /workspaces/:id/session-search`; a bad limit falls back to 50. */
export function parseSessionSearchQuery(query: Record<string, unknown>): SessionSearchQuery {
  const limit = atoi(firstValue(query.limit) ?? '');
  return {
    q: (firstValue(query.q) ?? '').trim(),
    limit:
      limit === undefined || limit <= 0 ? DEFAULT_SEARCH_LIMIT : Math.min(limit, MAX_SEARCH_LIMIT),
  };
}
