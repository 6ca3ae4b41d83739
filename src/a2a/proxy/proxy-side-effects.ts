import { Injectable, Logger } from '@nestjs/common';
import { ActivityLogger } from '../../activity/activity-logger';
import { TokenUsageReports } from '../../common/hooks/token-usage-reports';
import { BackgroundWork } from '../../common/shutdown/background-work';
import { EventEmitter } from '../../events/event-emitter.port';
import { isSystemCaller } from './caller';
import { Dispatch } from './dispatch';
import { toolTraceOf } from './envelope';
import { ProxyTargetRepository } from './proxy-target.repository';
import { usageOf } from './reply-usage';
import { parseJsonOrNull } from './response-reader';

/**
 * What a proxied call leaves behind (spec 03 §2.13), detached from the reply: the target's
 * `a2a_receive` row, `A2A_RESPONSE` for the canvas, the caller's `last_outbound_at`, and the
 * token usage the agent reported (only a reply that carries some costs anything).
 */
@Injectable()
export class ProxySideEffects {
  private readonly logger = new Logger(ProxySideEffects.name);

  constructor(
    private readonly activity: ActivityLogger,
    private readonly events: EventEmitter,
    private readonly targets: ProxyTargetRepository,
    private readonly usage: TokenUsageReports,
    private readonly work: BackgroundWork,
  ) {}

  /** The agent answered (any status); `bytes` is its reply, when there is one to keep. */
  delivered(d: Dispatch, status: number, bytes: Buffer | undefined, durationMs: number): void {
    const { req } = d;
    const reply = parseJsonOrNull(bytes);
    if (req.logDelivery !== false) this.logDelivery(d, status, reply, durationMs);
    // Token accounting runs for every reply, logged or not (spec 03 §2.13).
    const usage = usageOf(reply);
    if (usage) this.usage.emit({ workspaceId: req.targetId, ...usage });
    if (status >= 400) return;
    if (req.callerId === '' && reply !== null) {
      this.events.broadcastOnly('A2A_RESPONSE', req.targetId, {
        response_body: reply,
        method: d.method,
        duration_ms: durationMs,
      });
    }
    if (req.callerId !== '' && !isSystemCaller(req.callerId)) {
      this.targets
        .touchOutbound(req.callerId)
        .catch((err) => this.logger.warn({ err }, 'last_outbound_at update failed'));
    }
  }

  private logDelivery(d: Dispatch, status: number, reply: unknown, durationMs: number): void {
    const { req } = d;
    void this.work.track(
      this.activity.log({
        workspaceId: req.targetId,
        activityType: 'a2a_receive',
        sourceId: req.callerId || null,
        targetId: req.targetId,
        method: d.method,
        summary: `${d.method} → ${d.target.name || req.targetId}`,
        requestBody: d.request,
        responseBody: reply,
        toolTrace: toolTraceOf(reply),
        durationMs,
        status: status >= 400 ? 'error' : 'ok',
      }),
    );
  }

  /** The message did not get through; `detail` says why (it is the agent owner's log). */
  failed(d: Dispatch, detail: string, durationMs: number): void {
    if (!d.req.logFailures) return;
    void this.work.track(
      this.activity.log({
        workspaceId: d.req.targetId,
        activityType: 'a2a_receive',
        sourceId: d.req.callerId || null,
        targetId: d.req.targetId,
        method: d.method,
        summary: `A2A request to ${d.target.name || d.req.targetId} failed: ${detail}`,
        requestBody: d.request,
        durationMs,
        status: 'error',
        errorDetail: detail,
      }),
    );
  }
}
