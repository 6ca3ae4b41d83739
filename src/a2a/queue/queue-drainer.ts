import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { statusText } from '../../common/http/status-text';
import { BackgroundWork } from '../../common/shutdown/background-work';
import { A2AMetrics } from '../a2a-metrics';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LoopNames } from '../../common/loops/loop-names';
import { HeartbeatHooks, HeartbeatSignal } from '../../registry/heartbeat/heartbeat-hooks';
import { A2AProxyService } from '../proxy/a2a-proxy.service';
import { ProxyResult } from '../proxy/proxy-result';
import { parseJsonOrNull } from '../proxy/response-reader';
import { A2AQueueRepository, ClaimedItem } from './a2a-queue.repository';
import { DelegationStitch } from '../delegation/delegation-stitch';

export const MAX_DELIVERY_ATTEMPTS = 5;
/** Drains are bounded like agent calls, so a `dispatched` row older than this lost its drainer. */
const DRAIN_CEILING_SECONDS = 30 * 60;
const RECLAIM_AFTER_SECONDS = DRAIN_CEILING_SECONDS + 5 * 60;

/**
 * Delivers queued A2A messages (spec 03 §3). A heartbeat reporting spare capacity triggers
 * one claim for that workspace; the claim skips rows other replicas hold, so each message
 * is delivered once. A target still busy puts the message back in line.
 */
@Injectable()
export class QueueDrainer implements OnModuleInit {
  private readonly logger = new Logger(QueueDrainer.name);

  constructor(
    private readonly queue: A2AQueueRepository,
    private readonly proxy: A2AProxyService,
    private readonly hooks: HeartbeatHooks,
    private readonly stitch: DelegationStitch,
    private readonly loops: BackgroundLoops,
    private readonly metrics: A2AMetrics,
    private readonly work: BackgroundWork,
  ) {}

  onModuleInit(): void {
    this.hooks.on((signal) => this.work.track(this.onHeartbeat(signal)));
    this.loops.start({
      name: LoopNames.a2aQueueExpiry,
      intervalMs: 5 * 60 * 1000,
      actions: ['expired'],
      tick: async () => {
        const expired = await this.queue.expire();
        return expired > 0 ? { expired } : undefined;
      },
    });
  }

  async onHeartbeat(signal: HeartbeatSignal): Promise<void> {
    if (signal.activeTasks < signal.maxConcurrentTasks) await this.drainOne(signal.workspaceId);
  }

  /** Claims and delivers at most one message; returns what happened (for logs and tests). */
  async drainOne(workspaceId: string): Promise<'empty' | 'delivered' | 'requeued' | 'failed'> {
    const item = await this.queue.claim(workspaceId, RECLAIM_AFTER_SECONDS);
    if (!item) return 'empty';
    const result = await this.proxy.proxy({
      targetId: workspaceId,
      callerId: item.caller_id ?? '',
      body: item.body as Record<string, unknown>,
      logFailures: false,
      timeoutMs: DRAIN_CEILING_SECONDS * 1000,
      enqueueWhenBusy: false,
    });
    const outcome = await this.settle(workspaceId, item, result);
    this.metrics.drained(outcome);
    return outcome;
  }

  private async settle(
    workspaceId: string,
    item: ClaimedItem,
    result: ProxyResult,
  ): Promise<'delivered' | 'requeued' | 'failed'> {
    if (result.outcome === 'busy') {
      await this.queue.requeue(item.id, 'target still busy');
      return 'requeued';
    }
    if (result.kind === 'stream') {
      // Nobody relays a drained stream: let it flow so the agent is not held and it gets logged.
      result.stream.resume();
    }
    if (result.outcome === 'delivered' && result.status < 300) {
      await this.queue.complete(item.id);
      // An agent's own 202 only acknowledges the message: there is no result to stitch yet.
      if (result.kind === 'json' && result.status !== 202)
        await this.stitch.afterDelivery(workspaceId, item, result.body);
      this.logger.log(
        { workspaceId, queueId: item.id, attempts: item.attempts },
        'queued A2A message delivered',
      );
      return 'delivered';
    }
    const status = await this.queue.fail(item.id, failureMessage(result), MAX_DELIVERY_ATTEMPTS);
    this.logger.warn(
      { workspaceId, queueId: item.id, attempts: item.attempts, status },
      'queued A2A message not delivered',
    );
    return status === 'failed' ? 'failed' : 'requeued';
  }
}

/** The error response's `error` string, else the HTTP reason phrase; never a crash on odd bodies. */
export function failureMessage(result: ProxyResult): string {
  if (result.kind === 'stream') return 'unknown drain dispatch error';
  const body = parseJsonOrNull(result.body) as { error?: unknown } | null;
  if (body && typeof body.error === 'string' && body.error !== '') return body.error;
  return statusText(result.status) || 'unknown drain dispatch error';
}
