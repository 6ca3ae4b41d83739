import { truncateBytes } from '../../common/text/truncate';
import { RunStatus } from './fire-outcome';

/** A schedule's identity as a fire needs it. */
export interface DueSchedule {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly cronExpr: string;
  readonly timezone: string;
  readonly prompt: string;
}

/** One run to write: the schedule's `last_*` columns and its `cron_run` history row. */
export interface RunRecord {
  readonly scheduleId: string;
  readonly at: Date;
  readonly status: RunStatus;
  readonly error: string;
  /** Where the schedule goes next, should its stored next run have passed meanwhile. */
  readonly nextRunAt: Date | null;
  readonly resetEmptyRuns: boolean;
  readonly summary: string;
  readonly requestBody: Record<string, unknown>;
  /** The replica whose fire this was (null: a skip, which holds no fire). */
  readonly owner: string | null;
}

/** Error texts come from agents: bounded, and storable (PostgreSQL text refuses NUL). */
const MAX_ERROR_BYTES = 4096;
const MAX_HISTORY_PROMPT_BYTES = 200;

export function firedRecord(
  s: DueSchedule,
  fields: Pick<RunRecord, 'at' | 'status' | 'error' | 'nextRunAt' | 'resetEmptyRuns' | 'owner'>,
): RunRecord {
  return {
    scheduleId: s.id,
    ...fields,
    error: atMostBytes(storable(fields.error), MAX_ERROR_BYTES),
    summary: `Cron: ${s.name}`,
    requestBody: {
      schedule_id: s.id,
      schedule_name: s.name,
      cron_expr: s.cronExpr,
      prompt: atMostBytes(s.prompt, MAX_HISTORY_PROMPT_BYTES),
    },
  };
}

export function skippedRecord(
  s: DueSchedule,
  at: Date,
  reason: string,
  activeTasks: number,
): RunRecord {
  return {
    scheduleId: s.id,
    at,
    status: 'skipped',
    error: reason,
    nextRunAt: null,
    resetEmptyRuns: false,
    owner: null,
    summary: `Cron skipped: ${s.name}`,
    requestBody: {
      schedule_id: s.id,
      schedule_name: s.name,
      cron_expr: s.cronExpr,
      skipped: true,
      active_tasks: activeTasks,
    },
  };
}

/** `text` when it fits in `maxBytes`, else cut on a character boundary with `...` (≤ maxBytes). */
function atMostBytes(text: string, maxBytes: number): string {
  return Buffer.byteLength(text, 'utf8') <= maxBytes ? text : truncateBytes(text, maxBytes - 3);
}

const UNPAIRED_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text PostgreSQL accepts: NUL and unpaired surrogates become U+FFFD (the reference's
 * sanitizer exists because one unstorable string once stalled its scheduler).
 */
export function storable(text: string): string {
  return text.replaceAll('\0', '\ufffd').replace(UNPAIRED_SURROGATE, '\ufffd');
}
