import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock/clock';
import { statusText } from '../../common/http/status-text';
import { LeaseRenewer } from '../../common/leases/lease-renewer';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LoopNames } from '../../common/loops/loop-names';
import { BackgroundWork } from '../../common/shutdown/background-work';
import { AppConfig } from '../../config/app-config';
import { HeartbeatHooks, HeartbeatSignal } from '../../registry/heartbeat/heartbeat-hooks';
import { A2AMetrics } from '../a2a-metrics';
import { A2AProxyService } from '../proxy/a2a-proxy.service';
import { ProxyResult } from '../proxy/proxy-result';
import { parseJsonOrNull } from '../proxy/response-reader';
import { A2AQueueRepository, ClaimedItem } from './a2a-queue.repository';
import { DelegationStitch } from '../delegation/delegation-stitch';

export const MAX_DELIVERY_ATTEMPTS = 5;
/** Drains are bounded like agent calls. */
const DRAIN_CEILING_SECONDS = 30 * 60;
/** An item claimed before leases existed lost its drainer once `dispatched` longer than this. */
const UNLEASED_AFTER_SECONDS = DRAIN_CEILING_SECONDS + 5 * 60;

export type DrainOutcome = 'empty' | 'delivered' | 'requeued' | 'failed' | 'lost';

/**
 * Delivers queued A2A messages (spec 03 §3). A heartbeat reporting spare capacity triggers
 * one claim for that workspace; the claim skips rows other replicas hold, so each message
 * is delivered once. A target still busy puts the message back in line.
 *
 * A claimed item is this replica's under a lease renewed while the call is out, and marked sent
 * just before the message leaves. Should the replica die, the next drain of that workspace on
 * any replica (once the lease lapsed) delivers an item never sent, and closes one already sent
 * as interrupted — nothing lost, nothing delivered twice.
 */
@Injectable()
export class QueueDrainer implements OnModuleInit {
  private readonly logger = new Logger(QueueDrainer.name);
  /** This replica's claim token on the items it delivers. */
  readonly owner = randomUUID();
  private readonly leases: LeaseRenewer;

  constructor(
    private readonly queue: A2AQueueRepository,
    private readonly proxy: A2AProxyService,
    private readonly hooks: HeartbeatHooks,
    private readonly stitch: DelegationStitch,
    private readonly loops: BackgroundLoops,
    private readonly metrics: A2AMetrics,
    private readonly work: BackgroundWork,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.leases = new LeaseRenewer(
      clock,
      config.deliveryLeaseMs,
      (ids, until) => queue.renew(this.owner, ids, until),
      this.logger,
    );
  }

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

  /**
   * A heartbeat with spare capacity drains one item, if its statement saw any queued or
   * dispatched (a lapsed lease is reclaimed by the claim): an empty queue, the common case for
   * every workspace every 30 s, costs no statement.
   */
  async onHeartbeat(signal: HeartbeatSignal): Promise<void> {
    if (signal.activeTasks >= signal.maxConcurrentTasks || !signal.queued) return;
    await this.drainOne(signal.workspaceId);
  }

  /** Claims and delivers at most one message; returns what happened (for logs and tests). */
  async drainOne(workspaceId: string): Promise<DrainOutcome> {
    const item = await this.queue.claim(
      workspaceId,
      { owner: this.owner, until: this.leases.leaseUntil() },
      this.clock.now(),
      UNLEASED_AFTER_SECONDS,
    );
    if (!item) return 'empty';
    this.leases.hold(item.id);
    try {
      if (!(await this.markSent(item))) return 'lost';
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
    } finally {
      this.leases.release(item.id);
    }
  }

  /** Whether the item is still ours as its message leaves (unknown counts as no: never twice). */
  private async markSent(item: ClaimedItem): Promise<boolean> {
    try {
      if (await this.queue.markSent(item.id, this.owner)) return true;
      this.logger.warn({ queueId: item.id }, 'queued message taken over by another instance');
    } catch (err) {
      this.logger.error({ err, queueId: item.id }, 'marking the delivery sent failed; not sent');
    }
    return false;
  }

  private async settle(
    workspaceId: string,
    item: ClaimedItem,
    result: ProxyResult,
  ): Promise<'delivered' | 'requeued' | 'failed'> {
    if (result.outcome === 'busy') {
      await this.queue.requeue(item.id, this.owner, 'target still busy');
      return 'requeued';
    }
    if (result.kind === 'stream') {
      // Nobody relays a drained stream: let it flow so the agent is not held and it gets logged.
      result.stream.resume();
    }
    if (result.outcome === 'delivered' && result.status < 300) {
      await this.queue.complete(item.id, this.owner);
      // An agent's own 202 only acknowledges the message: there is no result to stitch yet.
      if (result.kind === 'json' && result.status !== 202)
        await this.stitch.afterDelivery(workspaceId, item, result.body);
      this.logger.log(
        { workspaceId, queueId: item.id, attempts: item.attempts },
        'queued A2A message delivered',
      );
      return 'delivered';
    }
    const status = await this.queue.fail(
      item.id,
      this.owner,
      failureMessage(result),
      MAX_DELIVERY_ATTEMPTS,
    );
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
