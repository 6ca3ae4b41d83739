import { randomUUID } from 'node:crypto';
import { computeNextRun } from '../../common/cron/next-run';
import { DueSchedule } from './run-record';

/** A due schedule as the claim reads it, with its workspace's load. */
export interface DueRow extends DueSchedule {
  /** The `next_run_at` the row was claimed at. */
  readonly dueAt: Date;
  /** Since when the fire has been waiting for capacity (null: not waiting). */
  readonly deferredSince: Date | null;
  readonly activeTasks: number;
  readonly maxConcurrentTasks: number;
  /** The workspace's runtime declared the `scheduler` capability (it fires its own crons). */
  readonly nativeScheduler: boolean;
}

/** How long a fire waits for the workspace to drop below `max_concurrent_tasks` (12 × 10 s). */
export const CAPACITY_WAIT_MS = 120_000;
/** How often a waiting fire looks again (it is due again this long after each look). */
export const CAPACITY_RECHECK_MS = 10_000;

/** One fire to send: the schedule and the message id it goes out with (kept across a takeover). */
export interface FireOrder extends DueSchedule {
  readonly messageId: string;
}

/**
 * What the claiming transaction does with one due schedule; each carries the row's new
 * `next_run_at` (null when the expression no longer computes: the row then rests until a
 * PATCH gives it a valid one, instead of firing on every tick as in the reference).
 * - `fire`: send the prompt now (the row is marked firing, under this replica's lease);
 * - `native`: the workspace's runtime runs its own scheduler: only `next_run_at` moves;
 * - `defer`: the workspace is at capacity: look again in 10 s;
 * - `skip`: still at capacity after two minutes: record the skip.
 */
export type ClaimDecision =
  | {
      readonly kind: 'fire';
      readonly row: DueRow;
      readonly nextRunAt: Date | null;
      readonly messageId: string;
    }
  | { readonly kind: 'native'; readonly row: DueRow; readonly nextRunAt: Date | null }
  | {
      readonly kind: 'defer';
      readonly row: DueRow;
      readonly nextRunAt: Date;
      readonly deferredSince: Date;
    }
  | { readonly kind: 'skip'; readonly row: DueRow; readonly nextRunAt: Date | null };

export function decideClaim(row: DueRow, now: Date): ClaimDecision {
  if (row.nativeScheduler) {
    return { kind: 'native', row, nextRunAt: nextRunOrNull(row, now) };
  }
  if (row.activeTasks >= row.maxConcurrentTasks) {
    const since = row.deferredSince ?? now;
    if (now.getTime() - since.getTime() < CAPACITY_WAIT_MS) {
      return {
        kind: 'defer',
        row,
        nextRunAt: new Date(now.getTime() + CAPACITY_RECHECK_MS),
        deferredSince: since,
      };
    }
    return { kind: 'skip', row, nextRunAt: nextRunOrNull(row, now) };
  }
  return {
    kind: 'fire',
    row,
    nextRunAt: nextRunOrNull(row, now),
    messageId: cronMessageId(row.id),
  };
}

/**
 * The id a fire's message carries (spec 05 §3.5.2): `cron-<schedule id[:8]>-<random[:8]>`. Chosen
 * at the claim and stored with it, so a fire taken over from a dead replica sends the same one.
 */
export function cronMessageId(scheduleId: string): string {
  return `cron-${scheduleId.slice(0, 8)}-${randomUUID().slice(0, 8)}`;
}

/** A fire whose replica stopped renewing its lease (it died), as its row tells. */
export interface OrphanedFire extends FireOrder {
  /** The message left before the replica died: the agent may have it. */
  readonly sent: boolean;
  /** Still wanted: the schedule is enabled and its workspace not removed. */
  readonly wanted: boolean;
}

/**
 * What a replica taking over an orphaned fire does with it — never a second send:
 * - `resume`: the message never left; send it now (same message id), once;
 * - `interrupted`: it left, and its outcome died with the replica: record that, send nothing;
 * - `release`: it never left and is no longer wanted: let the row go.
 */
export type OrphanDecision = {
  readonly kind: 'resume' | 'interrupted' | 'release';
  readonly fire: OrphanedFire;
};

export function decideOrphan(fire: OrphanedFire): OrphanDecision {
  if (fire.sent) return { kind: 'interrupted', fire };
  return { kind: fire.wanted ? 'resume' : 'release', fire };
}

/** The next slot after `now`, or null for an expression that no longer computes. */
export function nextRunOrNull(
  schedule: Pick<DueSchedule, 'cronExpr' | 'timezone'>,
  now: Date,
): Date | null {
  try {
    return computeNextRun(schedule.cronExpr, schedule.timezone, now);
  } catch {
    return null;
  }
}
