import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { WorkspaceEntity, WorkspaceScheduleEntity } from '../../database/entities';
import { ClaimDecision, DueRow } from './claim-decision';
import { RunRecord } from './run-record';

type DueDbRow = Pick<
  WorkspaceScheduleEntity,
  | 'id'
  | 'workspace_id'
  | 'name'
  | 'cron_expr'
  | 'timezone'
  | 'prompt'
  | 'deferred_since'
  | 'next_run_at'
> &
  Pick<WorkspaceEntity, 'max_concurrent_tasks' | 'native_scheduler'> & {
    /** COALESCEd to 0. */
    active_tasks: number;
  };

/**
 * Due rows of live workspaces, oldest slot first. Rows another replica holds are skipped, and
 * so are rows whose fire is still in flight — unless that claim is older than `$2`, i.e. the
 * replica that made it died before recording the outcome.
 */
const CLAIM_DUE = sql(
  'scheduler.claim_due',
  `SELECT s.id, s.workspace_id, s.name, s.cron_expr, s.timezone, s.prompt, s.deferred_since,
          s.next_run_at, COALESCE(w.active_tasks, 0) AS active_tasks,
          COALESCE(w.max_concurrent_tasks, 1) AS max_concurrent_tasks, w.native_scheduler
     FROM workspace_schedules s
     JOIN workspaces w ON w.id = s.workspace_id
    WHERE s.enabled AND s.next_run_at <= $1
      AND (s.firing_since IS NULL OR s.firing_since < $2)
      AND w.status IS DISTINCT FROM 'removed'
    ORDER BY s.next_run_at
    LIMIT $3
      FOR UPDATE OF s SKIP LOCKED`,
);
const SETTLE_CLAIMS = sql(
  'scheduler.settle_claims',
  `UPDATE workspace_schedules s
      SET next_run_at = c.next_run_at, deferred_since = c.deferred_since,
          firing_since = c.firing_since, updated_at = $1
     FROM unnest($2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[])
          AS c(id, next_run_at, deferred_since, firing_since)
    WHERE s.id = c.id`,
);
/**
 * The outcome of a run on the schedule row and, in the same statement, its history row. A
 * `next_run_at` that passed while the fire was in flight moves to the next slot after now
 * (no back-fill); one that a PATCH moved meanwhile is kept.
 */
const RECORD_RUN = sql(
  'scheduler.record_run',
  `WITH s AS (
     UPDATE workspace_schedules
        SET last_run_at = $2, run_count = run_count + 1, last_status = $3, last_error = $4,
            next_run_at = CASE WHEN next_run_at <= $2 THEN COALESCE($5, next_run_at)
                               ELSE next_run_at END,
            consecutive_empty_runs = CASE WHEN $6 THEN 0 ELSE consecutive_empty_runs END,
            firing_since = NULL, updated_at = $2
      WHERE id = $1
      RETURNING workspace_id)
   INSERT INTO activity_logs (workspace_id, activity_type, source_id, method, summary,
                              request_body, status, error_detail, created_at)
   SELECT workspace_id, 'cron_run', NULL, 'cron', $7, $8::jsonb, $3, $4, $2 FROM s`,
);
const COUNT_EMPTY_RUN = sql(
  'scheduler.count_empty_run',
  `UPDATE workspace_schedules
      SET consecutive_empty_runs = consecutive_empty_runs + 1, updated_at = $2
    WHERE id = $1
    RETURNING consecutive_empty_runs`,
);
const MISSING_NEXT_RUN = sql(
  'scheduler.missing_next_run',
  `SELECT id, cron_expr, timezone FROM workspace_schedules WHERE enabled AND next_run_at IS NULL`,
);
const REPAIR_NEXT_RUN = sql(
  'scheduler.repair_next_run',
  `UPDATE workspace_schedules s SET next_run_at = r.next_run_at, updated_at = $1
     FROM unnest($2::uuid[], $3::timestamptz[]) AS r(id, next_run_at)
    WHERE s.id = r.id AND s.next_run_at IS NULL`,
);
const RESET_PHANTOM_BUSY = sql(
  'scheduler.reset_phantom_busy',
  `UPDATE workspaces w SET active_tasks = 0, current_task = '', updated_at = now()
    WHERE w.active_tasks > 0 AND w.status IS DISTINCT FROM 'removed'
      AND NOT EXISTS (SELECT 1 FROM activity_logs a
                       WHERE a.workspace_id = w.id AND a.created_at > $1)
   RETURNING w.id, w.name`,
);

/** The cron loop's SQL: claiming due rows across replicas, recording runs, the repairs. */
@Injectable()
export class DueSchedulesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Claims up to `limit` due schedules and applies `decide` to each inside the claiming
   * transaction, so the new `next_run_at` is committed with the claim: a schedule is claimed
   * by exactly one replica per slot.
   */
  claim(
    now: Date,
    staleFiringBefore: Date,
    limit: number,
    decide: (row: DueRow) => ClaimDecision,
  ): Promise<ClaimDecision[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<DueDbRow>(CLAIM_DUE, [now, staleFiringBefore, limit]);
      if (rows.length === 0) return [];
      const decisions = rows.map((row) => decide(dueRow(row)));
      await tx.execute(SETTLE_CLAIMS, [
        now,
        decisions.map((d) => d.row.id),
        decisions.map((d) => d.nextRunAt),
        decisions.map((d) => (d.kind === 'defer' ? d.deferredSince : null)),
        decisions.map((d) => (d.kind === 'fire' ? now : null)),
      ]);
      return decisions;
    });
  }

  async recordRun(r: RunRecord): Promise<void> {
    await this.db.execute(RECORD_RUN, [
      r.scheduleId,
      r.at,
      r.status,
      r.error,
      r.nextRunAt,
      r.resetEmptyRuns,
      r.summary,
      JSON.stringify(r.requestBody),
    ]);
  }

  /** One more empty reply in a row; returns the new count (0 when the row is gone). */
  async countEmptyRun(scheduleId: string, at: Date): Promise<number> {
    const row = await this.db.one<{ consecutive_empty_runs: number }>(COUNT_EMPTY_RUN, [
      scheduleId,
      at,
    ]);
    return row?.consecutive_empty_runs ?? 0;
  }

  missingNextRun(): Promise<{ id: string; cron_expr: string; timezone: string }[]> {
    return this.db.query(MISSING_NEXT_RUN);
  }

  async repairNextRuns(now: Date, repairs: { id: string; nextRunAt: Date }[]): Promise<void> {
    if (repairs.length === 0) return;
    await this.db.execute(REPAIR_NEXT_RUN, [
      now,
      repairs.map((r) => r.id),
      repairs.map((r) => r.nextRunAt),
    ]);
  }

  /** Zeroes `active_tasks` of workspaces with no activity row since `quietSince`. */
  resetPhantomBusy(quietSince: Date): Promise<{ id: string; name: string }[]> {
    return this.db.query(RESET_PHANTOM_BUSY, [quietSince]);
  }
}

function dueRow(row: DueDbRow): DueRow {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    cronExpr: row.cron_expr,
    timezone: row.timezone,
    prompt: row.prompt,
    dueAt: row.next_run_at!,
    deferredSince: row.deferred_since,
    activeTasks: row.active_tasks,
    maxConcurrentTasks: row.max_concurrent_tasks,
    nativeScheduler: row.native_scheduler,
  };
}
