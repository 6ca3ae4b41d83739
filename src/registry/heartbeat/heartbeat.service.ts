import { Injectable, Logger } from '@nestjs/common';
import { bearerToken } from '../../common/auth/bearer';
import { hashToken } from '../../common/auth/token-codec';
import { badRequest, internalError, unauthorized } from '../../common/http/api-error';
import { parseUuid } from '../../common/http/uuid';
import { EventEmitter } from '../../events/event-emitter.port';
import { HeartbeatDto } from '../dto/heartbeat.dto';
import { HeartbeatOutcome, HeartbeatResult, RegistryRepository } from '../registry.repository';
import { HeartbeatHooks } from './heartbeat-hooks';
import { HeartbeatMetrics } from './heartbeat-metrics';
import { RuntimeOverrides } from './runtime-overrides';
import { statusTransition } from './status-rules';

/** $10 B in cents: anything above is a bogus report. */
export const MONTHLY_SPEND_CAP = 1_000_000_000_000;

/**
 * The 30-second heartbeat (spec 02 §3) — the hottest path in the server: the token gate and
 * the write are one round trip together; a status change costs one guarded UPDATE; events go out
 * in the order status → task → heartbeat.
 */
@Injectable()
export class HeartbeatService {
  private readonly logger = new Logger(HeartbeatService.name);

  constructor(
    private readonly registry: RegistryRepository,
    private readonly overrides: RuntimeOverrides,
    private readonly hooks: HeartbeatHooks,
    private readonly events: EventEmitter,
    private readonly metrics: HeartbeatMetrics,
  ) {}

  async heartbeat(dto: HeartbeatDto, authorization: string | undefined): Promise<{ status: 'ok' }> {
    const id = parseUuid(dto.workspace_id);
    if (!id) throw badRequest('invalid request body');
    const token = bearerToken(authorization);

    const activeTasks = dto.active_tasks ?? 0;
    const currentTask = dto.current_task ?? '';
    const partial = isTaskPush(dto);

    let outcome: HeartbeatOutcome;
    try {
      outcome = await this.registry.heartbeat(
        {
          workspaceId: id,
          errorRate: dto.error_rate ?? 0,
          sampleError: dto.sample_error ?? '',
          activeTasks,
          uptimeSeconds: dto.uptime_seconds ?? 0,
          currentTask,
          monthlySpend: Math.min(Math.max(dto.monthly_spend ?? 0, 0), MONTHLY_SPEND_CAP),
          nativeScheduler: dto.runtime_metadata
            ? dto.runtime_metadata.capabilities?.scheduler === true
            : null,
        },
        partial,
        token === '' ? null : hashToken(token),
      );
    } catch (err) {
      // Nothing was written and nobody was authenticated: the gate fails closed.
      this.logger.error({ err, workspaceId: id }, 'heartbeat write failed');
      this.metrics.count('error');
      throw internalError('failed to update');
    }
    if (outcome.gate === 'missing' || outcome.gate === 'invalid') {
      this.metrics.count('unauthorized');
      throw unauthorized(`${outcome.gate} workspace auth token`);
    }
    const result = outcome.result;
    this.metrics.count(result ? 'accepted' : 'unknown');

    // Declarations count in this very heartbeat (the reference applied them one beat late).
    this.overrides.applyHeartbeat(id, dto.runtime_metadata);
    if (result) await this.applyStatus(id, result, dto, partial);

    if (currentTask !== (result?.previous_task ?? '')) {
      this.events.broadcastOnly('TASK_UPDATED', id, {
        current_task: currentTask,
        active_tasks: activeTasks,
      });
    }
    // Always, even for unknown workspaces: it is what keeps A2A idle timers alive.
    this.events.broadcastOnly('WORKSPACE_HEARTBEAT', id, {
      active_tasks: activeTasks,
      uptime_seconds: dto.uptime_seconds ?? 0,
    });
    if (result) {
      this.hooks.emit({
        workspaceId: id,
        activeTasks,
        maxConcurrentTasks: result.max_concurrent_tasks ?? 1,
        queued: result.queued,
      });
    }
    return { status: 'ok' };
  }

  private async applyStatus(
    id: string,
    result: HeartbeatResult,
    dto: HeartbeatDto,
    partial: boolean,
  ): Promise<void> {
    const transition = statusTransition(
      result.status,
      {
        errorRate: dto.error_rate ?? 0,
        sampleError: dto.sample_error ?? '',
        runtimeState: dto.runtime_state ?? '',
        partial,
      },
      this.overrides.hasCapability(id, 'status_mgmt'),
    );
    if (!transition) return;
    try {
      // Guarded on the status just read: a concurrent change wins and no event is sent.
      if (!(await this.registry.transition(id, transition.from, transition.to))) return;
    } catch (err) {
      this.logger.error({ err, workspaceId: id, to: transition.to }, 'status transition failed');
      return;
    }
    await this.events.recordAndBroadcast(transition.event, id, transition.payload);
  }
}

/**
 * Whether a heartbeat is one of the runtime's task pushes (spec 06 §6.1: sent at the start and
 * end of each task, a snapshot of the task, not of health) rather than a full heartbeat. A push
 * never carries `runtime_metadata` or `runtime_state`, so either one settles it: the first full
 * heartbeat after boot also reports uptime 0 and error rate 0, and a wedged runtime's reason
 * must be kept. Without them (external agents, adapters that cannot be introspected), zero
 * uptime with a zero error rate marks a push; a non-zero error rate is health data.
 */
export function isTaskPush(dto: HeartbeatDto): boolean {
  if (dto.runtime_metadata != null || dto.runtime_state != null) return false;
  return (dto.uptime_seconds ?? 0) === 0 && (dto.error_rate ?? 0) === 0;
}
