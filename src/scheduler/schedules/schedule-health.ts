import { compileSchedule } from '../../common/cron/next-run';
import { AdminHealthRow } from './schedules.repository';

export type HealthStatus = 'never_run' | 'stale' | 'ok';

/** One row of `GET /admin/schedules/health` (spec 05 §5). */
export interface AdminHealthEntry {
  workspace_id: string;
  workspace_name: string;
  schedule_id: string;
  schedule_name: string;
  cron_expr: string;
  last_run_at: Date | null;
  expected_next_run: Date | null;
  status: HealthStatus;
  stale_threshold_seconds: number;
}

/**
 * Twice the gap between the next two runs after `now`, in seconds: a schedule that has not run
 * for that long has missed at least one run. It follows irregular crons (a weekday cron on a
 * Friday measures the weekend). Throws on an expression or zone that does not compute.
 */
export function staleThresholdSeconds(cronExpr: string, timezone: string, now: Date): number {
  const schedule = compileSchedule(cronExpr, timezone);
  const first = schedule.nextAfter(now);
  const second = schedule.nextAfter(first);
  return Math.floor((2 * (second.getTime() - first.getTime())) / 1000);
}

/** A run (whatever its outcome) counts; a zero threshold (unknown period) is never stale. */
export function classifyHealth(
  lastRunAt: Date | null,
  thresholdSeconds: number,
  now: Date,
): HealthStatus {
  if (!lastRunAt) return 'never_run';
  const sinceSeconds = (now.getTime() - lastRunAt.getTime()) / 1000;
  return thresholdSeconds > 0 && sinceSeconds > thresholdSeconds ? 'stale' : 'ok';
}

export function adminHealthEntry(row: AdminHealthRow, now: Date): AdminHealthEntry {
  let threshold = 0;
  try {
    threshold = staleThresholdSeconds(row.cron_expr, row.timezone, now);
  } catch {
    // An expression that no longer computes is still listed, with no threshold.
  }
  return {
    workspace_id: row.workspace_id,
    workspace_name: row.workspace_name,
    schedule_id: row.schedule_id,
    schedule_name: row.schedule_name,
    cron_expr: row.cron_expr,
    last_run_at: row.last_run_at,
    expected_next_run: row.next_run_at,
    status: classifyHealth(row.last_run_at, threshold, now),
    stale_threshold_seconds: threshold,
  };
}
