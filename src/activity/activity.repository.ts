import { Injectable } from '@nestjs/common';
import { Database, sql } from '../database/database.service';
import { ActivityListQuery } from './activity-list-query';

/** A row to insert; JSONB columns arrive as JSON text (null = SQL NULL). */
export interface NewActivityRow {
  readonly workspaceId: string;
  readonly activityType: string;
  readonly sourceId: string | null;
  readonly targetId: string | null;
  readonly method: string | null;
  readonly summary: string | null;
  readonly requestBody: string | null;
  readonly responseBody: string | null;
  readonly toolTrace: string | null;
  readonly durationMs: number | null;
  readonly status: string;
  readonly errorDetail: string | null;
}

/** An `activity_logs` row as read back; JSONB columns as text so JSON null survives. */
export interface ActivityRow {
  id: string;
  workspace_id: string;
  activity_type: string;
  source_id: string | null;
  target_id: string | null;
  method: string | null;
  summary: string | null;
  request_body: string | null;
  response_body: string | null;
  tool_trace: string | null;
  duration_ms: number | null;
  status: string | null;
  error_detail: string | null;
  created_at: Date | null;
}

const INSERT = sql(
  'activity.insert',
  `INSERT INTO activity_logs (workspace_id, activity_type, source_id, target_id, method, summary,
                              request_body, response_body, tool_trace, duration_ms, status,
                              error_detail)
   VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11, $12)
   RETURNING id, created_at`,
);
const COLUMNS = `id, workspace_id, activity_type, source_id, target_id, method, summary,
       request_body::text AS request_body, response_body::text AS response_body,
       tool_trace::text AS tool_trace, duration_ms, status, error_detail, created_at`;
const PURGE = sql(
  'activity.purge',
  `DELETE FROM activity_logs WHERE created_at < now() - make_interval(days => $1)`,
);

const WORKSPACE_EXISTS = sql(
  'activity.workspace_exists',
  `SELECT EXISTS (SELECT 1 FROM workspaces WHERE id = $1) AS exists`,
);

/** SQL of the activity log: one insert path, the filtered listing, retention. */
@Injectable()
export class ActivityRepository {
  constructor(private readonly db: Database) {}

  async insert(row: NewActivityRow): Promise<{ id: string; created_at: Date }> {
    // INSERT … RETURNING always yields exactly one row.
    const [inserted] = await this.db.query<{ id: string; created_at: Date }>(INSERT, [
      row.workspaceId,
      row.activityType,
      row.sourceId,
      row.targetId,
      row.method,
      row.summary,
      row.requestBody,
      row.responseBody,
      row.toolTrace,
      row.durationMs,
      row.status,
      row.errorDetail,
    ]);
    return inserted;
  }

  /** Newest first; only the filters asked for reach the SQL, every value bound. */
  list(workspaceId: string, query: ActivityListQuery): Promise<ActivityRow[]> {
    const values: unknown[] = [workspaceId];
    const bind = (value: unknown) => `$${values.push(value)}`;
    const where = ['workspace_id = $1'];
    if (query.type !== undefined) where.push(`activity_type = ${bind(query.type)}`);
    if (query.source === 'canvas') where.push('source_id IS NULL');
    if (query.source === 'agent') where.push('source_id IS NOT NULL');
    if (query.sinceSecs !== undefined) {
      where.push(`created_at >= now() - make_interval(secs => ${bind(query.sinceSecs)})`);
    }
    return this.db.query<ActivityRow>(
      `SELECT ${COLUMNS} FROM activity_logs WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC LIMIT ${bind(query.limit)}`,
      values,
    );
  }

  /** Whether the workspace has a row (any status): rows of the log hang off one. */
  async workspaceExists(workspaceId: string): Promise<boolean> {
    const [row] = await this.db.query<{ exists: boolean }>(WORKSPACE_EXISTS, [workspaceId]);
    return row?.exists ?? false;
  }

  /** Deletes rows older than `days` days; returns how many. */
  purgeOlderThan(days: number): Promise<number> {
    return this.db.execute(PURGE, [days]);
  }
}
