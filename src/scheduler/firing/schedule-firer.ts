import { Injectable, Logger } from '@nestjs/common';
import { A2AProxyService } from '../../a2a/proxy/a2a-proxy.service';
import { ProxyResult } from '../../a2a/proxy/proxy-result';
import { Clock } from '../../common/clock/clock';
import { LogContext } from '../../common/observability/log-context';
import { EventEmitter } from '../../events/event-emitter.port';
import { FireOrder, nextRunOrNull } from './claim-decision';
import { DueSchedulesRepository } from './due-schedules.repository';
import {
  classifyFire,
  FireOutcome,
  RunStatus,
  skippedReason,
  STALE_AFTER_EMPTY_RUNS,
  staleError,
} from './fire-outcome';
import { DueSchedule, firedRecord, RunRecord, skippedRecord } from './run-record';

/**
 * A bound on the whole agent call of a fire (the reference's 5-minute fire timeout did not
 * reach the call: decided, it now does). When it passes the proxy treats the agent as busy:
 * the message waits in `a2a_queue` and the run is recorded `queued`.
 */
export const FIRE_TIMEOUT_MS = 5 * 60 * 1000;

/** `last_error` of a fire whose replica died after its message left (see InFlightLeases). */
export const INTERRUPTED_FIRE_ERROR =
  'fire interrupted: the platform instance sending it stopped; not sent again (the agent may have received it)';

/** A fire that found itself taken over before its message left: nothing sent, nothing recorded. */
export type FireResult = RunStatus | 'lost';

/**
 * Sends one due schedule's prompt through the A2A proxy and records what happened
 * (spec 05 §3.5): `last_*`, the history row and `CRON_EXECUTED`. Never throws.
 */
@Injectable()
export class ScheduleFirer {
  private readonly logger = new Logger(ScheduleFirer.name);

  constructor(
    private readonly proxy: A2AProxyService,
    private readonly runs: DueSchedulesRepository,
    private readonly events: EventEmitter,
    private readonly clock: Clock,
    private readonly logs: LogContext,
  ) {}

  /**
   * Sends `order` as `owner` (the replica holding its lease) and records the outcome. The row is
   * marked sent just before the message leaves — only while the fire is still ours, so a fire
   * another replica took over is never sent twice.
   */
  fire(order: FireOrder, owner: string): Promise<FireResult> {
    // Every log line of the fire, the proxied call's included, carries its message id.
    return this.logs.run(order.messageId, () => this.fireAsOwner(order, owner));
  }

  private async fireAsOwner(order: FireOrder, owner: string): Promise<FireResult> {
    const schedule = order;
    let ours: boolean;
    try {
      ours = await this.runs.markSent(order.id, owner, order.messageId, this.clock.now());
    } catch (err) {
      // Unknown whether the mark landed: not sending keeps "never twice"; the takeover records it.
      this.logger.error({ err, scheduleId: order.id }, 'marking the fire sent failed; not sent');
      return 'lost';
    }
    if (!ours) {
      this.logger.warn({ scheduleId: order.id }, 'fire taken over by another instance; not sent');
      return 'lost';
    }
    const outcome = await this.send(order);
    const at = this.clock.now();
    let status: RunStatus = outcome.status;
    let error = outcome.error;
    if (outcome.status === 'ok' && outcome.emptyReply) {
      const emptyRuns = await this.runs.countEmptyRun(schedule.id, at).catch((err) => {
        this.logger.error({ err, scheduleId: schedule.id }, 'empty-run count failed');
        return 0;
      });
      if (emptyRuns >= STALE_AFTER_EMPTY_RUNS) {
        status = 'stale';
        error = staleError(emptyRuns);
      }
    }
    const record = firedRecord(schedule, {
      at,
      status,
      error,
      // A fire that outlasted its period does not catch up on the slots it overlapped.
      nextRunAt: nextRunOrNull(schedule, at),
      resetEmptyRuns: outcome.status === 'ok' && !outcome.emptyReply,
      owner,
    });
    await this.settle(schedule, record, 'CRON_EXECUTED', { status });
    this.logger.debug({ scheduleId: schedule.id, status, error }, 'schedule fired');
    return status;
  }

  /**
   * A fire taken over from a dead replica after its message had left: the outcome died with the
   * replica. Recorded as an error — the slot is accounted for, and nothing is sent again.
   */
  async interrupted(fire: DueSchedule, owner: string): Promise<RunStatus> {
    const at = this.clock.now();
    const record = firedRecord(fire, {
      at,
      status: 'error',
      error: INTERRUPTED_FIRE_ERROR,
      nextRunAt: nextRunOrNull(fire, at),
      resetEmptyRuns: false,
      owner,
    });
    await this.settle(fire, record, 'CRON_EXECUTED', { status: 'error' });
    return 'error';
  }

  /** The workspace stayed at capacity for the whole wait (spec 05 §3.6). */
  async skip(schedule: DueSchedule, activeTasks: number): Promise<RunStatus> {
    const reason = skippedReason(activeTasks);
    const record = skippedRecord(schedule, this.clock.now(), reason, activeTasks);
    await this.settle(schedule, record, 'CRON_SKIPPED', { reason });
    return 'skipped';
  }

  /**
   * Through the proxy core as the canvas would send it (caller `""`: no hierarchy check, the
   * reply broadcast as `A2A_RESPONSE`, the normal activity row), bounded by the fire timeout.
   */
  private async send(schedule: FireOrder): Promise<FireOutcome> {
    let result: ProxyResult;
    try {
      result = await this.proxy.proxy({
        targetId: schedule.workspaceId,
        callerId: '',
        body: cronMessage(schedule.messageId, schedule.prompt),
        logFailures: true,
        timeoutMs: FIRE_TIMEOUT_MS,
        enqueueWhenBusy: true,
      });
    } catch (err) {
      this.logger.error({ err, scheduleId: schedule.id }, 'proxy call threw');
      return { status: 'error', error: 'proxy a2a error' };
    }
    // Nobody reads a streamed reply here: let it flow so the agent is not held.
    if (result.kind === 'stream') result.stream.resume();
    return classifyFire(result);
  }

  /** Writes the run (row and history) and announces it; failures are logged, never thrown. */
  private async settle(
    schedule: DueSchedule,
    record: RunRecord,
    event: 'CRON_EXECUTED' | 'CRON_SKIPPED',
    detail: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.runs.recordRun(record);
    } catch (err) {
      this.logger.error({ err, scheduleId: schedule.id }, 'recording the run failed');
    }
    await this.events
      .recordAndBroadcast(event, schedule.workspaceId, {
        schedule_id: schedule.id,
        schedule_name: schedule.name,
        ...detail,
      })
      .catch((err) => this.logger.error({ err, event }, 'cron event failed'));
  }
}

/**
 * The message a fire sends (spec 05 §3.5.2): no `jsonrpc`/`id` (the proxy wraps it), the
 * claim's `cron-<schedule id[:8]>-<random[:8]>` message id, which the proxy keeps (and the busy
 * queue uses as its idempotency key), one text part.
 */
export function cronMessage(messageId: string, prompt: string): Record<string, unknown> {
  return {
    method: 'message/send',
    params: {
      message: {
        role: 'user',
        messageId,
        parts: [{ kind: 'text', text: prompt }],
      },
    },
  };
}
