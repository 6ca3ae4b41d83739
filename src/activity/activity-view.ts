import { ActivityRow } from './activity.repository';
import { fromJsonText } from './json-column';

/** One row of `GET /workspaces/:id/activity` (spec 03 §5.3). */
export interface ActivityView {
  id: string;
  workspace_id: string;
  activity_type: string;
  source_id: string | null;
  target_id: string | null;
  method: string | null;
  summary: string | null;
  duration_ms: number | null;
  status: string | null;
  error_detail: string | null;
  created_at: Date | null;
  request_body?: unknown;
  response_body?: unknown;
  tool_trace?: unknown;
}

/** Nullable columns answer `null`; the JSON columns are present only when non-NULL. */
export function toActivityView(row: ActivityRow): ActivityView {
  const view: ActivityView = {
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
  };
  if (row.request_body !== null) view.request_body = fromJsonText(row.request_body);
  if (row.response_body !== null) view.response_body = fromJsonText(row.response_body);
  if (row.tool_trace !== null) view.tool_trace = fromJsonText(row.tool_trace);
  return view;
}
