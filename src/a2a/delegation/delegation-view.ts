import { isObject } from '../proxy/envelope';
import { listPreview } from './delegation-text';
import { DelegationRow } from './delegation.repository';

/** One entry of `GET /workspaces/:id/delegations` (spec 03 §4.7). */
export interface DelegationEntry {
  id: string;
  type: string;
  source_id: string;
  target_id: string;
  summary: string;
  status: string;
  created_at: Date | null;
  delegation_id?: string;
  error?: string;
  response_preview?: string;
}

/**
 * Text columns answer `""` when NULL; `delegation_id`, `error` and `response_preview` appear
 * only when non-empty (clients tell result rows apart by them).
 */
export function toDelegationEntry(row: DelegationRow): DelegationEntry {
  const entry: DelegationEntry = {
    id: row.id,
    type: row.activity_type,
    source_id: row.source_id ?? '',
    target_id: row.target_id ?? '',
    summary: row.summary ?? '',
    status: row.status ?? '',
    created_at: row.created_at,
  };
  if (row.delegation_id) entry.delegation_id = row.delegation_id;
  if (row.error_detail) entry.error = row.error_detail;
  const preview = previewSource(row.response_json);
  if (preview !== '') entry.response_preview = listPreview(preview);
  return entry;
}

/**
 * The reply `text`; otherwise the whole body as stored (so a queued row previews as its JSON,
 * as in the reference). A body that only links the row to its delegation (our failed rows)
 * has nothing to preview.
 */
function previewSource(json: string | null): string {
  if (json === null) return '';
  const body: unknown = JSON.parse(json);
  if (!isObject(body)) return json;
  if (typeof body.text === 'string') return body.text;
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === 'delegation_id' ? '' : json;
}
