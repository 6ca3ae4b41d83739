import { Injectable, Logger } from '@nestjs/common';
import { internalError } from '../../common/http/api-error';
import { fromJsonText, WithParsedJson } from '../json-column';
import { containsPattern } from '../../common/text/like-pattern';
import { SessionSearchQuery } from './session-search-query';
import { SessionSearchRepository, SessionSearchRow } from './session-search.repository';

/** One hit of `GET /workspaces/:id/session-search` (spec 03 §5.4). */
export type SessionSearchHit = WithParsedJson<SessionSearchRow, 'request_body' | 'response_body'>;

/**
 * Case-insensitive substring search over a workspace's activity rows and agent memories
 * (`kind: "memory"`, labelled with their scope), newest first.
 */
@Injectable()
export class SessionSearchService {
  private readonly logger = new Logger(SessionSearchService.name);

  constructor(private readonly search: SessionSearchRepository) {}

  async find(workspaceId: string, query: SessionSearchQuery): Promise<SessionSearchHit[]> {
    let rows: SessionSearchRow[];
    try {
      rows =
        query.q === ''
          ? await this.search.recent(workspaceId, query.limit)
          : await this.search.matching(workspaceId, containsPattern(query.q), query.limit);
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'session search failed');
      throw internalError('session search failed');
    }
    return rows.map(toHit);
  }
}

function toHit(row: SessionSearchRow): SessionSearchHit {
  const { request_body, response_body, ...hit } = row;
  const out: SessionSearchHit = hit;
  if (request_body !== null) out.request_body = fromJsonText(request_body);
  if (response_body !== null) out.response_body = fromJsonText(response_body);
  return out;
}
