import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from '../events/event-emitter.port';
import { ActivityRepository } from './activity.repository';
import { JsonColumn, toJsonColumn } from './json-column';

/** One activity row as the proxy, the self-report endpoint and others describe it. */
export interface ActivityEntry {
  workspaceId: string;
  activityType: string;
  /** null/undefined = the canvas (a user); a value = an agent or a system caller. */
  sourceId?: string | null;
  targetId?: string | null;
  method?: string | null;
  summary?: string | null;
  /** undefined = SQL NULL (and no key in the broadcast). */
  requestBody?: unknown;
  /** undefined = SQL NULL (and no key in the broadcast). */
  responseBody?: unknown;
  /** Stored and broadcast only when a non-empty array. */
  toolTrace?: unknown;
  durationMs?: number | null;
  /** Default `ok`. */
  status?: string;
  errorDetail?: string | null;
}

/**
 * `LogActivity` (spec 03 §5.1): one INSERT, then a broadcast-only `ACTIVITY_LOGGED` carrying
 * the row — including its `id` and `created_at`, which the canvas agent-comms panel reads.
 * Never throws: a failed write is logged and answered with `undefined`.
 */
@Injectable()
export class ActivityLogger {
  private readonly logger = new Logger(ActivityLogger.name);

  constructor(
    private readonly activity: ActivityRepository,
    private readonly events: EventEmitter,
  ) {}

  /** Returns the new row's id, or undefined when the write failed. */
  async log(entry: ActivityEntry): Promise<string | undefined> {
    const requestBody = optionalJson(entry.requestBody);
    const responseBody = optionalJson(entry.responseBody);
    const toolTrace =
      Array.isArray(entry.toolTrace) && entry.toolTrace.length > 0
        ? toJsonColumn(entry.toolTrace)
        : undefined;
    const fields = {
      activity_type: entry.activityType,
      method: entry.method ?? null,
      summary: entry.summary ?? null,
      status: entry.status || 'ok',
      source_id: entry.sourceId ?? null,
      target_id: entry.targetId ?? null,
      duration_ms: entry.durationMs == null ? null : Math.round(entry.durationMs),
    };

    let row: { id: string; created_at: Date };
    try {
      row = await this.activity.insert({
        workspaceId: entry.workspaceId,
        activityType: fields.activity_type,
        sourceId: fields.source_id,
        targetId: fields.target_id,
        method: fields.method,
        summary: fields.summary,
        requestBody: requestBody?.text ?? null,
        responseBody: responseBody?.text ?? null,
        toolTrace: toolTrace?.text ?? null,
        durationMs: fields.duration_ms,
        status: fields.status,
        errorDetail: entry.errorDetail ?? null,
      });
    } catch (err) {
      this.logger.error(
        { err, workspaceId: entry.workspaceId, activityType: entry.activityType },
        'activity log insert failed',
      );
      return undefined;
    }

    const payload: Record<string, unknown> = { id: row.id, ...fields, created_at: row.created_at };
    if (toolTrace) payload.tool_trace = toolTrace.value;
    if (requestBody) payload.request_body = requestBody.value;
    if (responseBody) payload.response_body = responseBody.value;
    this.events.broadcastOnly('ACTIVITY_LOGGED', entry.workspaceId, payload);
    return row.id;
  }
}

function optionalJson(value: unknown): JsonColumn | undefined {
  return value === undefined ? undefined : toJsonColumn(value);
}
