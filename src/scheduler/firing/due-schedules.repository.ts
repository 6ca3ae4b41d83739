import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { WorkspaceEntity, WorkspaceScheduleEntity } from '../../database/entities';
import {
  ClaimDecision,
  cronMessageId,
  decideOrphan,
  DueRow,
  OrphanDecision,
} from './claim-decision';
import { RunRecord } from './run-record';

/** A claim from before fire leases existed is orphaned once older than this (the fire timeout + 1 min). */
const UNLEASED_CLAIM_SECONDS = 6 * 60;

/** What one claiming transaction took: fires taken over from dead replicas, and due rows. */
export interface Claimed {
  readonly orphans: OrphanDecision[];
  readonly due: ClaimDecision[];
}

/** Whose claims these are, and until when. */
export interface Lease {
  readonly owner: string;
  readonly until: Date;
}

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
 * Due rows of live workspaces, oldest slot first; rows another replica holds are skipped, and so
 * are rows with a fire in flight (one schedule never has two).
 */
const CLAIM_DUE = sql(
  'scheduler.claim_due',
  `SELECT s.id, s.workspace_id, s.name, s.cron_expr, s.timezone, s.prompt, s.deferred_since,
          s.next_run_at, COALESCE(w.active_tasks, 0) AS active_tasks,
          COALESCE(w.max_concurrent_tasks, 1) AS max_concurrent_tasks, w.native_scheduler
     FROM workspace_schedules s
     JOIN workspaces w ON w.id = s.workspace_id
    WHERE s.enabled AND s.next_run_at <= $1 AND s.firing_since IS NULL
      AND w.status IS DISTINCT FROM 'removed'
    ORDER BY s.next_run_at
    LIMIT $2
      FOR UPDATE OF s SKIP LOCKED`,
);
/**
 * Fires in flight whose replica stopped renewing its lease (it died), taken over by this one. A
 * claim from before leases existed (no owner) counts as orphaned once older than `$5` seconds,
 * and as possibly sent: nothing recorded when its message left.
 */
const ADOPT_ORPHANS = sql(
  'scheduler.adopt_orphans',
  `UPDATE workspace_schedules s SET firing_owner = $2, firing_lease_until = $3, updated_at = $1
     FROM (SELECT id, firing_owner IS NULL AS unleased FROM workspace_schedules
            WHERE firing_since IS NOT NULL
              AND COALESCE(firing_lease_until, firing_since + make_interval(secs => $5)) < $1
            ORDER BY firing_since
            LIMIT $4
              FOR UPDATE SKIP LOCKED) o,
          workspaces w
    WHERE s.id = o.id AND w.id = s.workspace_id
   RETURNING s.id, s.workspace_id, s.name, s.cron_expr, s.timezone, s.prompt,
             COALESCE(s.firing_message_id, '') AS firing_message_id,
             (s.firing_sent_at IS NOT NULL OR o.unleased) AS sent,
             (s.enabled AND w.status IS DISTINCT FROM 'removed') AS wanted`,
);
const SETTLE_CLAIMS = sql(
  'scheduler.settle_claims',
  `UPDATE workspace_schedules s
      SET next_run_at = c.next_run_at, deferred_since = c.deferred_since,
          firing_since = c.firing_since, firing_message_id = c.message_id,
          firing_owner = CASE WHEN c.firing_since IS NULL THEN NULL ELSE $6 END,
          firing_lease_until = CASE WHEN c.firing_since IS NULL THEN NULL ELSE $7::timestamptz END,
          firing_sent_at = NULL, updated_at = $1
     FROM unnest($2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $8::text[])
          AS c(id, next_run_at, deferred_since, firing_since, message_id)
    WHERE s.id = c.id`,
);
/** Lets an orphaned fire that is no longer wanted go, sending nothing. */
const RELEASE_FIRES = sql(
  'scheduler.release_fires',
  `UPDATE workspace_schedules
      SET firing_since = NULL, firing_owner = NULL, firing_lease_until = NULL,
          firing_message_id = NULL, firing_sent_at = NULL, updated_at = $1
    WHERE id = ANY($2::uuid[]) AND firing_owner = $3`,
);
/** The message is about to leave; only while the fire is still this replica's. */
const MARK_SENT = sql(
  'scheduler.mark_sent',
  `UPDATE workspace_schedules SET firing_sent_at = $4
    WHERE id = $1 AND firing_owner = $2 AND firing_message_id = $3`,
);
const RENEW_FIRES = sql(
  'scheduler.renew_fires',
  `UPDATE workspace_schedules SET firing_lease_until = GREATEST(firing_lease_until, $3)
    WHERE firing_owner = $1 AND id = ANY($2::uuid[])`,
);
/**
 * The outcome of a run on the schedule row and, in the same statement, its history row. A
 * `next_run_at` that passed while the fire was in flight moves to the next slot after now
 * (no back-fill); one that a PATCH moved meanwhile is kept. A fire's outcome is written only
 * while the fire is still this replica's (`$9`; NULL for a skip, which holds no fire).
 */
const RECORD_RUN = sql(
  'scheduler.record_run',
  `WITH s AS (
     UPDATE workspace_schedules
        SET last_run_at = $2, run_count = run_count + 1, last_status = $3, last_error = $4,
            next_run_at = CASE WHEN next_run_at <= $2 THEN COALESCE($5, next_run_at)
                               ELSE next_run_at END,
            consecutive_empty_runs = CASE WHEN $6 THEN 0 ELSE consecutive_empty_runs END,
            firing_since = NULL, firing_owner = NULL, firing_lease_until = NULL,
            firing_message_id = NULL, firing_sent_at = NULL, updated_at = $2
      WHERE id = $1 AND firing_owner IS NOT DISTINCT FROM $9
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
   * In one transaction: takes over up to `limit` fires orphaned by dead replicas, then claims due
   * schedules (as many as the limit leaves) and applies `decide` to each, so the new
   * `next_run_at` is committed with the claim: a schedule is claimed by exactly one replica per
   * slot, and a claimed fire is this replica's under `lease`.
   */
  claim(
    now: Date,
    lease: Lease,
    limit: number,
    decide: (row: DueRow) => ClaimDecision,
  ): Promise<Claimed> {
    return this.db.transaction(async (tx) => {
      const orphans = (
        await tx.query<OrphanDbRow>(ADOPT_ORPHANS, [
          now,
          lease.owner,
          lease.until,
          limit,
          UNLEASED_CLAIM_SECONDS,
        ])
      ).map((row) => decideOrphan(orphanedFire(row)));
      const released = orphans.filter((o) => o.kind === 'release').map((o) => o.fire.id);
      if (released.length > 0) await tx.execute(RELEASE_FIRES, [now, released, lease.owner]);

      const rows = await tx.query<DueDbRow>(CLAIM_DUE, [now, limit - orphans.length]);
      const due = rows.map((row) => decide(dueRow(row)));
      if (due.length > 0) {
        await tx.execute(SETTLE_CLAIMS, [
          now,
          due.map((d) => d.row.id),
          due.map((d) => d.nextRunAt),
          due.map((d) => (d.kind === 'defer' ? d.deferredSince : null)),
          due.map((d) => (d.kind === 'fire' ? now : null)),
          lease.owner,
          lease.until,
          due.map((d) => (d.kind === 'fire' ? d.messageId : null)),
        ]);
      }
      return { orphans, due };
    });
  }

  /** Marks the fire's message as leaving; false when the fire is no longer this replica's. */
  async markSent(scheduleId: string, owner: string, messageId: string, at: Date): Promise<boolean> {
    return (await this.db.execute(MARK_SENT, [scheduleId, owner, messageId, at])) > 0;
  }

  async renewFires(owner: string, scheduleIds: readonly string[], until: Date): Promise<void> {
    await this.db.execute(RENEW_FIRES, [owner, scheduleIds, until]);
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
      r.owner,
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

type OrphanDbRow = Pick<
  WorkspaceScheduleEntity,
  'id' | 'workspace_id' | 'name' | 'cron_expr' | 'timezone' | 'prompt'
> & { firing_message_id: string; sent: boolean; wanted: boolean };

/** What every claimed row carries: the schedule itself. */
function scheduleOf(
  row: Pick<OrphanDbRow, 'id' | 'workspace_id' | 'name' | 'cron_expr' | 'timezone' | 'prompt'>,
) {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    cronExpr: row.cron_expr,
    timezone: row.timezone,
    prompt: row.prompt,
  };
}

function orphanedFire(row: OrphanDbRow) {
  return {
    ...scheduleOf(row),
    messageId: row.firing_message_id || cronMessageId(row.id),
    sent: row.sent,
    wanted: row.wanted,
  };
}

function dueRow(row: DueDbRow): DueRow {
  return {
    ...scheduleOf(row),
    dueAt: row.next_run_at!,
    deferredSince: row.deferred_since,
    activeTasks: row.active_tasks,
    maxConcurrentTasks: row.max_concurrent_tasks,
    nativeScheduler: row.native_scheduler,
  };
}
