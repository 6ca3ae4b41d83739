import { badRequest } from '../common/http/api-error';
import { atoi, firstValue } from '../common/http/query-params';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 500;
/** 30 days: a wider window would only be a full-table scan (seed #2268). */
export const MAX_SINCE_SECS = 2_592_000;

/** The filters of `GET /workspaces/:id/activity` (spec 03 §5.3). */
export interface ActivityListQuery {
  /** Exact `activity_type`; not validated. */
  readonly type?: string;
  /** `canvas` ⇔ `source_id IS NULL`; `agent` ⇔ `source_id IS NOT NULL`. */
  readonly source?: 'canvas' | 'agent';
  readonly limit: number;
  readonly sinceSecs?: number;
}

/** Reads the query string; a bad `source` or `since_secs` is a 400, a bad `limit` falls back. */
export function parseActivityListQuery(query: Record<string, unknown>): ActivityListQuery {
  const type = firstValue(query.type) || undefined;
  const source = firstValue(query.source) ?? '';
  if (source !== '' && source !== 'canvas' && source !== 'agent') {
    throw badRequest("source must be 'canvas' or 'agent'");
  }
  const limit = atoi(firstValue(query.limit) ?? '');
  return {
    type,
    source: source || undefined,
    limit: limit === undefined || limit <= 0 ? DEFAULT_LIST_LIMIT : Math.min(limit, MAX_LIST_LIMIT),
    sinceSecs: parseSinceSecs(query.since_secs),
  };
}

/** Present means it must be a positive integer: a typo must not silently widen the window. */
function parseSinceSecs(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const secs = atoi(firstValue(raw) ?? '');
  if (secs === undefined || secs <= 0) throw badRequest('since_secs must be a positive integer');
  return Math.min(secs, MAX_SINCE_SECS);
}
