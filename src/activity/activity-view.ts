import { ActivityRow } from './activity.repository';
import { fromJsonText, WithParsedJson } from './json-column';

/** One row of `GET /workspaces/:id/activity` (spec 03 §5.3). */
export type ActivityView = WithParsedJson<
  ActivityRow,
  'request_body' | 'response_body' | 'tool_trace'
>;

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
