import { ActivityRow } from './activity.repository';

/** The JSONB columns: read as PostgreSQL's JSON text, answered as JSON values. */
const JSON_COLUMNS = ['request_body', 'response_body', 'tool_trace'] as const;

/**
 * The body of `GET /workspaces/:id/activity` (spec 03 §5.3), as JSON text: one object per row,
 * nullable keys answering `null`, the JSON columns present only when non-NULL (a JSON `null`
 * is present). The JSON columns are PostgreSQL's own JSON text (`col::text`), spliced in as they
 * are: parsing them only to serialise them again cost most of a listing's CPU (100 rows a page,
 * each with its request and response). Keys keep their order: the JSON columns come last.
 */
export function activityListJson(rows: readonly ActivityRow[]): string {
  let out = '[';
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) out += ',';
    out += activityJson(rows[i]);
  }
  return `${out}]`;
}

function activityJson(row: ActivityRow): string {
  const head = JSON.stringify({
    id: row.id,
    workspace_id: row.workspace_id,
    activity_type: row.activity_type,
    source_id: row.source_id,
    target_id: row.target_id,
    method: row.method,
    summary: row.summary,
    duration_ms: row.duration_ms,
    status: row.status,
    error_detail: row.error_detail,
    created_at: row.created_at,
  });
  let tail = '';
  for (const column of JSON_COLUMNS) {
    const text = row[column];
    if (text !== null) tail += `,"${column}":${text}`;
  }
  return tail === '' ? head : `${head.slice(0, -1)}${tail}}`;
}
