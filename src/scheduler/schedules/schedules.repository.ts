import { Injectable } from '@nestjs/common';
import { Database, PgError, pgErrorCode, Queryable, sql } from '../../database/database.service';
import { WorkspaceScheduleEntity } from '../../database/entities';

/** A schedule as the list endpoint shows it (spec 05 §4.1). */
export type ScheduleRow = Pick<
  WorkspaceScheduleEntity,
  | 'id'
  | 'workspace_id'
  | 'name'
  | 'cron_expr'
  | 'timezone'
  | 'prompt'
  | 'enabled'
  | 'last_run_at'
  | 'next_run_at'
  | 'run_count'
  | 'source'
  | 'created_at'
  | 'updated_at'
> & { last_status: string; last_error: string };

/** What a peer may see of a schedule (spec 05 §4.7): no prompt, cron or zone. */
export type ScheduleHealthRow = Pick<
  ScheduleRow,
  | 'id'
  | 'name'
  | 'enabled'
  | 'last_run_at'
  | 'next_run_at'
  | 'run_count'
  | 'last_status'
  | 'last_error'
>;

/** One row of the admin health view (spec 05 §5), before its staleness is judged. */
export interface AdminHealthRow {
  workspace_id: string;
  workspace_name: string;
  schedule_id: string;
  schedule_name: string;
  cron_expr: string;
  timezone: string;
  last_run_at: Date | null;
  next_run_at: Date | null;
}

export interface HistoryRow {
  created_at: Date;
  duration_ms: number | null;
  status: string | null;
  error_detail: string;
  request: unknown;
}

export interface NewSchedule {
  workspaceId: string;
  name: string;
  cronExpr: string;
  timezone: string;
  prompt: string;
  enabled: boolean;
  nextRunAt: Date;
}

/** A PATCH: `undefined` keeps a column as it is. */
export interface ScheduleChanges {
  name?: string;
  cronExpr?: string;
  timezone?: string;
  prompt?: string;
  enabled?: boolean;
  /** A recomputed next run; also ends any capacity deferral. */
  nextRunAt?: Date;
}

/** The fields a PATCH needs to decide on a new next run. */
export interface ScheduleTiming {
  cron_expr: string;
  timezone: string;
  enabled: boolean;
}

export class DuplicateScheduleName extends Error {}

/** `last_status` / `last_error` are nullable columns; the API shows NULL as `''`. */
const VIEW_COLUMNS = `id, workspace_id, name, cron_expr, timezone, prompt, enabled, last_run_at,
  next_run_at, run_count, COALESCE(last_status, '') AS last_status,
  COALESCE(last_error, '') AS last_error, source, created_at, updated_at`;

const LIST = sql(
  'scheduler.list',
  `SELECT ${VIEW_COLUMNS} FROM workspace_schedules WHERE workspace_id = $1 ORDER BY created_at, id`,
);
const INSERT = sql(
  'scheduler.insert',
  `INSERT INTO workspace_schedules
     (workspace_id, name, cron_expr, timezone, prompt, enabled, next_run_at, source)
   SELECT id, $2, $3, $4, $5, $6, $7, 'runtime' FROM workspaces
    WHERE id = $1 AND status IS DISTINCT FROM 'removed'
   RETURNING id`,
);
const LOCK_TIMING = sql(
  'scheduler.lock_timing',
  `SELECT cron_expr, timezone, enabled FROM workspace_schedules
    WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
);
const UPDATE = sql(
  'scheduler.update',
  `UPDATE workspace_schedules SET
     name = COALESCE($3, name),
     cron_expr = COALESCE($4, cron_expr),
     timezone = COALESCE($5, timezone),
     prompt = COALESCE($6, prompt),
     enabled = COALESCE($7, enabled),
     next_run_at = COALESCE($8, next_run_at),
     deferred_since = CASE WHEN $8::timestamptz IS NULL THEN deferred_since END,
     updated_at = now()
   WHERE id = $1 AND workspace_id = $2`,
);
const DELETE = sql(
  'scheduler.delete',
  `DELETE FROM workspace_schedules WHERE id = $1 AND workspace_id = $2`,
);
const PROMPT = sql(
  'scheduler.prompt',
  `SELECT prompt FROM workspace_schedules WHERE id = $1 AND workspace_id = $2`,
);
const HISTORY = sql(
  'scheduler.history',
  `SELECT created_at, duration_ms, status, COALESCE(error_detail, '') AS error_detail,
          COALESCE(request_body, '{}'::jsonb) AS request
     FROM activity_logs
    WHERE workspace_id = $1 AND activity_type = 'cron_run' AND request_body->>'schedule_id' = $2
    ORDER BY created_at DESC
    LIMIT 20`,
);
const PEER_HEALTH = sql(
  'scheduler.peer_health',
  `SELECT id, name, enabled, last_run_at, next_run_at, run_count,
          COALESCE(last_status, '') AS last_status, COALESCE(last_error, '') AS last_error
     FROM workspace_schedules WHERE workspace_id = $1 ORDER BY created_at, id`,
);
const ADMIN_HEALTH = sql(
  'scheduler.admin_health',
  `SELECT w.id AS workspace_id, w.name AS workspace_name, s.id AS schedule_id,
          s.name AS schedule_name, s.cron_expr, s.timezone, s.last_run_at, s.next_run_at
     FROM workspace_schedules s JOIN workspaces w ON w.id = s.workspace_id
    WHERE w.status IS DISTINCT FROM 'removed'
    ORDER BY w.name, s.name, w.id, s.id`,
);

/** SQL of the schedule API. Every statement on one schedule is scoped by its workspace too. */
@Injectable()
export class SchedulesRepository {
  constructor(private readonly db: Database) {}

  list(workspaceId: string): Promise<ScheduleRow[]> {
    return this.db.query<ScheduleRow>(LIST, [workspaceId]);
  }

  /** The new id, or `undefined` when the workspace does not exist (or was removed). */
  async insert(s: NewSchedule): Promise<string | undefined> {
    try {
      const row = await this.db.one<{ id: string }>(INSERT, [
        s.workspaceId,
        s.name,
        s.cronExpr,
        s.timezone,
        s.prompt,
        s.enabled,
        s.nextRunAt,
      ]);
      return row?.id;
    } catch (err) {
      throw asDuplicateName(err);
    }
  }

  /**
   * Locks the schedule for a PATCH and hands `change` its timing; `change` returns the
   * columns to write. `false` when no such schedule exists in the workspace.
   */
  update(
    scheduleId: string,
    workspaceId: string,
    change: (current: ScheduleTiming) => ScheduleChanges,
  ): Promise<boolean> {
    return this.db.transaction(async (tx: Queryable) => {
      const current = await tx.one<ScheduleTiming>(LOCK_TIMING, [scheduleId, workspaceId]);
      if (!current) return false;
      const c = change(current);
      try {
        await tx.execute(UPDATE, [
          scheduleId,
          workspaceId,
          c.name ?? null,
          c.cronExpr ?? null,
          c.timezone ?? null,
          c.prompt ?? null,
          c.enabled ?? null,
          c.nextRunAt ?? null,
        ]);
      } catch (err) {
        throw asDuplicateName(err);
      }
      return true;
    });
  }

  async delete(scheduleId: string, workspaceId: string): Promise<boolean> {
    return (await this.db.execute(DELETE, [scheduleId, workspaceId])) > 0;
  }

  async prompt(scheduleId: string, workspaceId: string): Promise<string | undefined> {
    return (await this.db.one<{ prompt: string }>(PROMPT, [scheduleId, workspaceId]))?.prompt;
  }

  history(workspaceId: string, scheduleId: string): Promise<HistoryRow[]> {
    return this.db.query<HistoryRow>(HISTORY, [workspaceId, scheduleId]);
  }

  peerHealth(workspaceId: string): Promise<ScheduleHealthRow[]> {
    return this.db.query<ScheduleHealthRow>(PEER_HEALTH, [workspaceId]);
  }

  adminHealth(): Promise<AdminHealthRow[]> {
    return this.db.query<AdminHealthRow>(ADMIN_HEALTH);
  }
}

function asDuplicateName(err: unknown): unknown {
  return pgErrorCode(err) === PgError.uniqueViolation ? new DuplicateScheduleName() : err;
}
