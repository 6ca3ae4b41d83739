import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/** One hit, already in its wire names; the JSON columns as text (SQL NULL stays null). */
export interface SessionSearchRow {
  kind: 'activity' | 'memory';
  id: string;
  workspace_id: string;
  label: string;
  content: string;
  method: string;
  status: string;
  created_at: Date | null;
  request_body: string | null;
  response_body: string | null;
}

const ACTIVITY = `SELECT 'activity' AS kind, id, workspace_id, activity_type AS label,
       COALESCE(summary, '') AS content, COALESCE(method, '') AS method,
       COALESCE(status, '') AS status, created_at,
       request_body::text AS request_body, response_body::text AS response_body
  FROM activity_logs
 WHERE workspace_id = $1`;

const MEMORY = `SELECT 'memory' AS kind, id, workspace_id, scope::text AS label, content,
       '' AS method, '' AS status, created_at, NULL::text AS request_body, NULL::text AS response_body
  FROM agent_memories
 WHERE workspace_id = $1`;

/**
 * Both sources newest first, each cut to the limit on its own index before they are merged.
 * NULL columns never match (NULL ILIKE … is not true); the pattern arrives escaped.
 */
const RECENT = sql(
  'session_search.recent',
  `(${ACTIVITY} ORDER BY created_at DESC LIMIT $2)
   UNION ALL
   (${MEMORY} ORDER BY created_at DESC LIMIT $2)
   ORDER BY created_at DESC LIMIT $2`,
);
const MATCHING = sql(
  'session_search.matching',
  `(${ACTIVITY}
      AND (summary ILIKE $2 ESCAPE '\\' OR activity_type ILIKE $2 ESCAPE '\\'
           OR method ILIKE $2 ESCAPE '\\' OR status ILIKE $2 ESCAPE '\\'
           OR request_body::text ILIKE $2 ESCAPE '\\' OR response_body::text ILIKE $2 ESCAPE '\\')
    ORDER BY created_at DESC LIMIT $3)
   UNION ALL
   (${MEMORY} AND (content ILIKE $2 ESCAPE '\\' OR scope ILIKE $2 ESCAPE '\\')
    ORDER BY created_at DESC LIMIT $3)
   ORDER BY created_at DESC LIMIT $3`,
);

/** Session search over a workspace's activity log and its agent memories. */
@Injectable()
export class SessionSearchRepository {
  constructor(private readonly db: Database) {}

  recent(workspaceId: string, limit: number): Promise<SessionSearchRow[]> {
    return this.db.query<SessionSearchRow>(RECENT, [workspaceId, limit]);
  }

  matching(workspaceId: string, pattern: string, limit: number): Promise<SessionSearchRow[]> {
    return this.db.query<SessionSearchRow>(MATCHING, [workspaceId, pattern, limit]);
  }
}
