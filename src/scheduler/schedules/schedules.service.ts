import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { computeNextRun, ScheduleSpecError } from '../../common/cron/next-run';
import {
  ApiError,
  badRequest,
  conflict,
  internalError,
  notFound,
} from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { parseUuid } from '../../common/http/uuid';
import { CreateScheduleDto } from './dto/create-schedule.dto';
import { UpdateScheduleDto } from './dto/update-schedule.dto';
import {
  DuplicateScheduleName,
  ScheduleChanges,
  ScheduleRow,
  SchedulesRepository,
} from './schedules.repository';
import { historyEntry, HistoryEntry } from './schedule-view';

/** The canvas posts a run-now prompt to the A2A proxy, whose request limit is 1 MiB. */
export const MAX_PROMPT_BYTES = 128 * 1024;

const REQUIRED = 'cron_expr and prompt are required';
const NOT_FOUND = 'schedule not found';

/**
 * The schedule API's rules (spec 05 §4): validation in the contract's order and words, the
 * next run computed from now on create, on a change of cron or zone and on re-enable.
 */
@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);

  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly clock: Clock,
  ) {}

  list(workspaceId: string): Promise<ScheduleRow[]> {
    return orInternalError(
      this.schedules.list(workspaceId),
      'failed to query schedules',
      this.logger,
    );
  }

  async create(
    workspaceId: string,
    body: CreateScheduleDto,
  ): Promise<{ id: string; status: 'created'; next_run_at: Date }> {
    if (body.cron_expr === '' || body.prompt === '') throw badRequest(REQUIRED);
    const prompt = withoutCarriageReturns(body.prompt);
    // Unlike the reference, a prompt of nothing but CRs is not stored empty.
    if (prompt === '') throw badRequest(REQUIRED);
    checkPromptSize(prompt);
    const timezone = body.timezone || 'UTC';
    const nextRunAt = this.nextRun(body.cron_expr, timezone);

    let id: string | undefined;
    try {
      id = await this.schedules.insert({
        workspaceId,
        name: body.name ?? '',
        cronExpr: body.cron_expr,
        timezone,
        prompt,
        enabled: body.enabled ?? true,
        nextRunAt,
      });
    } catch (err) {
      throw this.writeFailed(err, 'failed to create schedule');
    }
    if (!id) throw notFound('workspace not found');
    return { id, status: 'created', next_run_at: nextRunAt };
  }

  async update(
    workspaceId: string,
    rawScheduleId: string,
    body: UpdateScheduleDto,
  ): Promise<{ status: 'updated' }> {
    const prompt = body.prompt == null ? undefined : withoutCarriageReturns(body.prompt);
    if (prompt === '') throw badRequest('prompt must not be empty');
    checkPromptSize(prompt ?? '');
    const scheduleId = parseUuid(rawScheduleId);
    if (!scheduleId) throw notFound(NOT_FOUND);

    let found: boolean;
    try {
      found = await this.schedules.update(scheduleId, workspaceId, (current) => {
        const changes: ScheduleChanges = {
          name: body.name ?? undefined,
          cronExpr: body.cron_expr ?? undefined,
          timezone: body.timezone == null ? undefined : body.timezone || 'UTC',
          prompt,
          enabled: body.enabled ?? undefined,
        };
        const timingChanged = changes.cronExpr !== undefined || changes.timezone !== undefined;
        // Re-enabling must not fire a slot that passed while the schedule was off (decided).
        const reEnabled = changes.enabled === true && !current.enabled;
        if (timingChanged || reEnabled) {
          changes.nextRunAt = this.nextRun(
            changes.cronExpr ?? current.cron_expr,
            changes.timezone ?? current.timezone,
          );
        }
        return changes;
      });
    } catch (err) {
      throw this.writeFailed(err, 'failed to update schedule');
    }
    if (!found) throw notFound(NOT_FOUND);
    return { status: 'updated' };
  }

  async remove(workspaceId: string, rawScheduleId: string): Promise<{ status: 'deleted' }> {
    const scheduleId = parseUuid(rawScheduleId);
    if (!scheduleId) throw notFound(NOT_FOUND);
    const deleted = await orInternalError(
      this.schedules.delete(scheduleId, workspaceId),
      'failed to delete schedule',
      this.logger,
    );
    if (!deleted) throw notFound(NOT_FOUND);
    return { status: 'deleted' };
  }

  /** "Run now" only hands the prompt back: the canvas sends it itself (spec 05 §4.5, 06 §2.8). */
  async runNow(
    workspaceId: string,
    rawScheduleId: string,
  ): Promise<{ status: 'fired'; workspace_id: string; prompt: string }> {
    const scheduleId = parseUuid(rawScheduleId);
    if (!scheduleId) throw notFound(NOT_FOUND);
    const prompt = await orInternalError(
      this.schedules.prompt(scheduleId, workspaceId),
      'failed to read schedule',
      this.logger,
    );
    if (prompt === undefined) throw notFound(NOT_FOUND);
    return { status: 'fired', workspace_id: workspaceId, prompt };
  }

  /** The last 20 runs, newest first; an unknown schedule simply has none. */
  async history(workspaceId: string, rawScheduleId: string): Promise<HistoryEntry[]> {
    const scheduleId = parseUuid(rawScheduleId);
    if (!scheduleId) return [];
    const rows = await orInternalError(
      this.schedules.history(workspaceId, scheduleId),
      'failed to query history',
      this.logger,
    );
    return rows.map(historyEntry);
  }

  /** The first run after now; a bad time zone or expression is the contract's 400. */
  private nextRun(cronExpr: string, timezone: string): Date {
    try {
      return computeNextRun(cronExpr, timezone, this.clock.now());
    } catch (err) {
      if (!(err instanceof ScheduleSpecError)) throw err;
      if (err.kind === 'timezone') throw badRequest(`invalid timezone: ${timezone}`);
      // The reference answers only "invalid request body"; `detail` says what is wrong.
      throw badRequest('invalid request body', { detail: err.message });
    }
  }

  private writeFailed(err: unknown, message: string): unknown {
    if (err instanceof DuplicateScheduleName) {
      return conflict('a schedule with this name already exists in this workspace');
    }
    if (err instanceof ApiError) return err; // a validation error raised inside the transaction
    this.logger.error({ err }, message);
    return internalError(message);
  }
}

/** CRs from Windows-authored prompts made agents answer with nothing (reference migration 033). */
function withoutCarriageReturns(prompt: string): string {
  return prompt.replaceAll('\r', '');
}

function checkPromptSize(prompt: string): void {
  if (Buffer.byteLength(prompt, 'utf8') > MAX_PROMPT_BYTES) {
    throw badRequest(`prompt is too long (at most ${MAX_PROMPT_BYTES} bytes)`);
  }
}
