import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { RuntimeOverrides } from '../../registry/heartbeat/runtime-overrides';
import { A2AQueueRepository, PRIORITY } from '../queue/a2a-queue.repository';
import { Dispatch } from './dispatch';
import { messageIdOf } from './envelope';
import { jsonResult, ProxyResult } from './proxy-result';
import { ProxySideEffects } from './proxy-side-effects';

const BUSY_RETRY_AFTER_SECONDS = 30;
export const QUEUE_TTL_SECONDS = 24 * 60 * 60;

/**
 * The agent is alive but occupied (spec 03 §2.11). A runtime with its own session queue
 * says so and the caller retries; otherwise the message waits in `a2a_queue` for the agent's
 * next heartbeat with spare capacity. Its activity row is written once, when delivered.
 */
@Injectable()
export class BusyTarget {
  private readonly logger = new Logger(BusyTarget.name);

  constructor(
    private readonly clock: Clock,
    private readonly overrides: RuntimeOverrides,
    private readonly queue: A2AQueueRepository,
    private readonly effects: ProxySideEffects,
  ) {}

  async handle(d: Dispatch, detail: string): Promise<ProxyResult> {
    const { req } = d;
    const retry = { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) };
    if (this.overrides.hasCapability(req.targetId, 'session')) {
      this.effects.failed(d, detail, this.elapsed(d));
      return jsonResult(
        503,
        {
          error: 'workspace agent busy — adapter handles retry (native_session)',
          busy: true,
          retry_after: BUSY_RETRY_AFTER_SECONDS,
          native_session: true,
        },
        'busy',
        retry,
      );
    }
    const busyShape = {
      error: 'workspace agent busy — retry after a short backoff',
      busy: true,
      retry_after: BUSY_RETRY_AFTER_SECONDS,
    };
    if (!req.enqueueWhenBusy) return jsonResult(503, busyShape, 'busy', retry);
    try {
      const queued = await this.queue.enqueue({
        workspaceId: req.targetId,
        callerId: req.callerId || null,
        priority: PRIORITY.task,
        body: d.request,
        method: d.method || null,
        idempotencyKey: messageIdOf(d.request) || null,
        ttlSeconds: QUEUE_TTL_SECONDS,
      });
      return jsonResult(
        202,
        {
          queued: true,
          queue_id: queued.id,
          queue_depth: queued.depth,
          message: 'workspace agent busy — request queued, will dispatch when capacity available',
        },
        'queued',
      );
    } catch (err) {
      this.logger.error({ err, targetId: req.targetId }, 'enqueue failed');
      this.effects.failed(d, detail, this.elapsed(d));
      return jsonResult(503, busyShape, 'busy', retry);
    }
  }

  private elapsed(d: Dispatch): number {
    return this.clock.now().getTime() - d.startedAt;
  }
}
