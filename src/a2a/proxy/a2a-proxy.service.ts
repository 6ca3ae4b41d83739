import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { Clock } from '../../common/clock/clock';
import { statusText } from '../../common/http/status-text';
import { AppConfig } from '../../config/app-config';
import { EventBus } from '../../events/event-bus';
import { WorkspaceUrlRewrite } from '../../provisioner/workspace-url-rewrite';
import { RuntimeOverrides } from '../../registry/heartbeat/runtime-overrides';
import { WorkspaceAccess } from '../../registry/access/workspace-access';
import { WorkspaceLifecycleService } from '../../workspaces/lifecycle/workspace-lifecycle.service';
import { AgentResponse, AgentTransport } from './agent-transport';
import { BusyTarget } from './busy-target';
import { isSystemCaller } from './caller';
import { DeadAgentCheck } from './dead-agent-check';
import { Dispatch, ProxyRequest } from './dispatch';
import { DispatchDeadline } from './dispatch-deadline';
import { normalizeEnvelope } from './envelope';
import { A2AMetrics } from '../a2a-metrics';
import { errorResult, jsonResult, ProxyOutcome, ProxyResult } from './proxy-result';
import { ProxySideEffects } from './proxy-side-effects';
import { ProxyTarget, ProxyTargetRepository } from './proxy-target.repository';
import { ReplyStreams } from './reply-streams';
import { parseJsonOrNull, readReply } from './response-reader';
import { UrlVerdicts } from '../../common/ssrf/url-verdicts';
import { classifyForwardError, describeForwardError } from './upstream-errors';

export type { ProxyRequest } from './dispatch';

/** Agent replies up to this size are read whole (to relay errors and log them); larger ones stream. */
export const MAX_HELD_REPLY_BYTES = 10 * 1024 * 1024;
const AGENT_CALL_CEILING_MS = 30 * 60 * 1000;
const WAKE_RETRY_AFTER_SECONDS = 15;

/**
 * The A2A proxy core (spec 03 §2): one path for the HTTP route and every internal caller.
 * Checks run in the contract's order — hierarchy, budget, URL, body — then the message is
 * forwarded with the idle/ceiling deadline, and the reply relayed: JSON replies are read
 * whole (bounded) so errors can be relayed in the error shape; SSE replies stream through.
 */
@Injectable()
export class A2AProxyService {
  private readonly logger = new Logger(A2AProxyService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly targets: ProxyTargetRepository,
    private readonly access: WorkspaceAccess,
    private readonly urlVerdicts: UrlVerdicts,
    private readonly transport: AgentTransport,
    private readonly overrides: RuntimeOverrides,
    private readonly lifecycle: WorkspaceLifecycleService,
    private readonly deadAgents: DeadAgentCheck,
    private readonly busy: BusyTarget,
    private readonly streams: ReplyStreams,
    private readonly effects: ProxySideEffects,
    private readonly urls: WorkspaceUrlRewrite,
    private readonly metrics: A2AMetrics,
  ) {}

  async proxy(req: ProxyRequest): Promise<ProxyResult> {
    const startedMs = performance.now();
    let outcome: ProxyOutcome = 'failed';
    try {
      const result = await this.dispatch(req);
      outcome = result.outcome;
      return result;
    } finally {
      this.metrics.proxied(outcome, (performance.now() - startedMs) / 1000);
    }
  }

  private async dispatch(req: ProxyRequest): Promise<ProxyResult> {
    const { targetId, callerId } = req;
    if (
      isPeerCaller(callerId, targetId) &&
      !(await this.access.canCommunicate(callerId, targetId))
    ) {
      return errorResult(403, 'access denied: workspaces cannot communicate per hierarchy rules');
    }
    let target: ProxyTarget | undefined;
    try {
      target = await this.targets.target(targetId);
    } catch (err) {
      this.logger.error({ err, targetId }, 'proxy target lookup failed');
      return errorResult(500, 'lookup failed');
    }
    if (target?.budget_limit != null && target.monthly_spend >= target.budget_limit) {
      return errorResult(402, 'workspace budget limit exceeded');
    }
    if (!target) return errorResult(404, 'workspace not found');
    if (!target.url) return this.noUrl(targetId, target);
    // The stored URL is the host's view; a platform in a container may reach it otherwise.
    const url = this.urls.forPlatform(targetId, target.url);

    const verdict = await this.urlVerdicts.check(url);
    if (!verdict.ok) {
      this.logger.warn(
        { targetId, reason: verdict.reason },
        'workspace URL refused by the outbound guard',
      );
      return errorResult(502, 'workspace URL is not publicly routable');
    }

    const normalized = normalizeEnvelope(parseBody(req.body));
    if (!normalized.ok) return errorResult(400, 'invalid JSON');
    return this.forward({
      req,
      target: { ...target, url },
      request: normalized.request,
      method: normalized.method,
      startedAt: this.now(),
    });
  }

  private async noUrl(targetId: string, target: ProxyTarget): Promise<ProxyResult> {
    if (target.status === 'hibernated') {
      // The desire is written before the answer, so the retry in 15 s finds it waking
      // (the reference's wake skipped hibernated workspaces and did nothing).
      try {
        if (await this.lifecycle.wake(targetId)) {
          this.logger.log({ targetId }, 'an A2A message woke a hibernated workspace');
        }
      } catch (err) {
        this.logger.error({ err, targetId }, 'waking a hibernated workspace failed');
      }
      return jsonResult(
        503,
        {
          error: 'workspace is waking from hibernation — retry in ~15 seconds',
          waking: true,
          retry_after: WAKE_RETRY_AFTER_SECONDS,
        },
        'rejected',
        { 'Retry-After': String(WAKE_RETRY_AFTER_SECONDS) },
      );
    }
    return errorResult(503, 'workspace has no URL', 'rejected', { status: target.status ?? '' });
  }

  private async forward(d: Dispatch): Promise<ProxyResult> {
    const { req, target } = d;
    const deadline = new DispatchDeadline(this.clock, this.bus, {
      workspaceId: req.targetId,
      idleMs: this.overrides.idleTimeoutMs(req.targetId) ?? this.config.a2aIdleTimeoutMs,
      ...bounds(req),
    });
    let response: AgentResponse;
    try {
      response = await this.transport.post(
        target.url!,
        Buffer.from(JSON.stringify(d.request)),
        deadline.signal,
      );
    } catch (err) {
      const deadlineFired = deadline.reason !== undefined;
      deadline.dispose();
      return this.forwardFailed(d, err, deadlineFired);
    }
    const durationMs = this.now() - d.startedAt;

    if (response.status < 300 && response.contentType.startsWith('text/event-stream')) {
      return this.streams.sse(d, response, deadline, durationMs);
    }
    let reply;
    try {
      reply = await readReply(response.body, MAX_HELD_REPLY_BYTES, () => deadline.touch());
    } catch (err) {
      deadline.dispose();
      // The agent got the message (it answered) but its reply broke off.
      const confirmed = response.status >= 200 && response.status < 400;
      if (confirmed) this.effects.delivered(d, response.status, undefined, durationMs);
      this.logger.warn(
        { targetId: req.targetId, err: describeForwardError(err) },
        'agent reply broke off',
      );
      return errorResult(502, 'failed to read agent response', 'failed', {
        delivery_confirmed: confirmed,
      });
    }
    if (!reply.complete && response.status < 300)
      return this.streams.oversized(d, response, reply.head, reply.rest, deadline, durationMs);
    deadline.dispose();
    if (!reply.complete) {
      // An error reply is answered in the error shape whatever its size; the rest is not read.
      reply.rest.destroy();
      this.effects.delivered(d, response.status, undefined, durationMs);
      return errorResult(response.status, statusText(response.status), 'delivered');
    }

    this.effects.delivered(d, response.status, reply.bytes, durationMs);
    if (response.status >= 300) {
      return errorResult(response.status, upstreamError(reply.bytes, response.status), 'delivered');
    }
    return { kind: 'json', status: response.status, body: reply.bytes, outcome: 'delivered' };
  }

  private async forwardFailed(
    d: Dispatch,
    err: unknown,
    deadlineFired: boolean,
  ): Promise<ProxyResult> {
    const { req } = d;
    const failure = classifyForwardError(err, deadlineFired);
    if (failure === 'construction') {
      this.logger.warn(
        { targetId: req.targetId, err: describeForwardError(err) },
        'could not build the agent request',
      );
      return errorResult(500, 'failed to create proxy request', 'failed');
    }
    const detail = deadlineFired
      ? 'no sign of life from the agent before the deadline'
      : describeForwardError(err);
    if (await this.deadAgents.isDeadAndMarkedOffline(req.targetId, d.target.runtime)) {
      this.effects.failed(d, detail, this.now() - d.startedAt);
      return errorResult(
        503,
        'workspace agent unreachable — container restart triggered',
        'failed',
        { restarting: true },
      );
    }
    if (failure === 'unreachable') {
      this.effects.failed(d, detail, this.now() - d.startedAt);
      return errorResult(502, 'failed to reach workspace agent', 'failed');
    }
    return this.busy.handle(d, detail);
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** Another workspace (not the canvas, not itself, not the platform) is held to the hierarchy. */
function isPeerCaller(callerId: string, targetId: string): boolean {
  return callerId !== '' && callerId !== targetId && !isSystemCaller(callerId);
}

/** Agents and the platform get the 30-minute ceiling; X-Timeout replaces it; the canvas has none. */
function bounds(req: ProxyRequest): { totalMs?: number; totalReason?: 'ceiling' | 'timeout' } {
  if (req.timeoutMs !== undefined) return { totalMs: req.timeoutMs, totalReason: 'timeout' };
  return req.callerId === '' ? {} : { totalMs: AGENT_CALL_CEILING_MS, totalReason: 'ceiling' };
}

function parseBody(body: string | Record<string, unknown>): unknown {
  if (typeof body !== 'string') return structuredClone(body);
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The agent's own `error` string when it gave one, else Go's reason phrase (`""` if none). */
function upstreamError(bytes: Buffer, status: number): string {
  const reply = parseJsonOrNull(bytes) as { error?: unknown } | null;
  if (reply && typeof reply === 'object' && typeof reply.error === 'string') return reply.error;
  return statusText(status);
}
