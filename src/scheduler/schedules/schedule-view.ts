import { HistoryRow } from './schedules.repository';

/** One run in `GET …/schedules/:scheduleId/history` (spec 05 §4.6). */
export interface HistoryEntry {
  timestamp: Date;
  duration_ms: number | null;
  status: string | null;
  error_detail: string;
  request: unknown;
}

export function historyEntry(row: HistoryRow): HistoryEntry {
  return {
    timestamp: row.created_at,
    duration_ms: row.duration_ms,
    status: row.status,
    error_detail: row.error_detail,
    request: row.request,
  };
}
