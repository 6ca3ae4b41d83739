import { Injectable, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ActivityLogger } from '../../activity/activity-logger';
import { Clock } from '../../common/clock/clock';
import { AppConfig } from '../../config/app-config';
import { EventBus } from '../../events/event-bus';
import { EventEmitter } from '../../events/event-emitter.port';
import { RuntimeOverrides } from '../../registry/heartbeat/runtime-overrides';
import { WorkspaceAccess } from '../../registry/access/workspace-access';
import { RestartRequests } from '../../workspaces/lifecycle/restart-requests';
import { A2AQueueRepository, PRIORITY } from '../queue/a2a-queue.repository';
import { AgentResponse, AgentTransport } from './agent-transport';
import { isSystemCaller } from './caller';
import { DeadAgentCheck } from './dead-agent-check';
import { DispatchDeadline } from './dispatch-deadline';
import { JsonRpcRequest, messageIdOf, normalizeEnvelope, toolTraceOf } from './envelope';
import { errorResult, jsonResult, ProxyResult } from './proxy-result';
import { ProxyTarget, ProxyTargetRepository } from './proxy-target.repository';
import { parseJsonOrNull, readReply } from './response-reader';
import { SseLastEvent } from './sse-last-event';
import { UrlVerdicts } from './url-verdicts';
import { classifyForwardError, describeForwardError } from './upstream-errors';

export interface ProxyRequest {
  /** Canonical UUID of the workspace whose agent receives the message. */
  readonly targetId: string;
  /** `''` for the canvas; a workspace id for agents; `system:*` etc. for internal callers. */
  readonly callerId: string;
  /** The raw request bytes (HTTP) or an already-built body (internal callers). */
  readonly body: Buffer | Record<string, unknown>;
  readonly logActivity: boolean;
  /** A bound on the whole dispatch (X-Timeout); replaces the 30-minute ceiling. */
  readonly timeoutMs?: number;
  /** Park the message in `a2a_queue` when the target is busy (the queue drainer says no). */
  readonly enqueueWhenBusy: boolean;
}

/** Agent replies up to this size are read whole (to relay errors and log them); larger ones stream. */
export const MAX_HELD_REPLY_BYTES = 10 * 1024 * 1024;
const AGENT_CALL_CEILING_MS = 30 * 60 * 1000;
const BUSY_RETRY_AFTER_SECONDS = 30;
const WAKE_RETRY_AFTER_SECONDS = 15;
export const QUEUE_TTL_SECONDS = 24 * 60 * 60;

interface Dispatch {
  readonly req: ProxyRequest;
  readonly target: ProxyTarget;
  readonly request: JsonRpcRequest;
  readonly method: string;
  readonly startedAt: number;
}

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
    private readonly events: EventEmitter,
    private readonly targets: ProxyTargetRepository,
    private readonly access: WorkspaceAccess,
    private readonly urlVerdicts: UrlVerdicts,
    private readonly transport: AgentTransport,
    private readonly queue: A2AQueueRepository,
    private readonly overrides: RuntimeOverrides,
    private readonly activity: ActivityLogger,
    private readonly restarts: RestartRequests,
    private readonly deadAgents: DeadAgentCheck,
  ) {}

  async proxy(req: ProxyRequest): Promise<ProxyResult> {
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

    const verdict = await this.urlVerdicts.check(target.url);
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
      target,
      request: normalized.request,
      method: normalized.method,
      startedAt: this.now(),
    });
  }

  private noUrl(targetId: string, target: ProxyTarget): ProxyResult {
    if (target.status === 'hibernated') {
      this.restarts.request([targetId], 'a2a message woke a hibernated workspace');
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
      return this.streamThrough(d, response, deadline, durationMs);
    }
    let reply;
    try {
      reply = await readReply(response.body, MAX_HELD_REPLY_BYTES, () => deadline.touch());
    } catch (err) {
      deadline.dispose();
      // The agent got the message (it answered) but its reply broke off.
      const confirmed = response.status >= 200 && response.status < 400;
      if (confirmed) this.afterReply(d, response.status, undefined, durationMs);
      this.logger.warn(
        { targetId: req.targetId, err: describeForwardError(err) },
        'agent reply broke off',
      );
      return errorResult(502, 'failed to read agent response', 'failed', {
        delivery_confirmed: confirmed,
      });
    }
    if (!reply.complete)
      return this.streamOversized(d, response, reply.head, reply.rest, deadline, durationMs);
    deadline.dispose();

    this.afterReply(d, response.status, reply.bytes, durationMs);
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
      this.recordFailure(d, detail);
      return errorResult(
        503,
        'workspace agent unreachable — container restart triggered',
        'failed',
        { restarting: true },
      );
    }
    if (failure === 'unreachable') {
      this.recordFailure(d, detail);
      return errorResult(502, 'failed to reach workspace agent', 'failed');
    }
    return this.busy(d, detail);
  }

  /**
   * The agent is alive but occupied. A runtime with its own session queue says so and the
   * caller retries; otherwise the message waits in `a2a_queue` for the agent's next heartbeat
   * with spare capacity. Its activity row is written once, when it is finally delivered.
   */
  private async busy(d: Dispatch, detail: string): Promise<ProxyResult> {
    const { req } = d;
    const retry = { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) };
    if (this.overrides.hasCapability(req.targetId, 'session')) {
      this.recordFailure(d, detail);
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
      this.recordFailure(d, detail);
      return jsonResult(503, busyShape, 'busy', retry);
    }
  }

  /** SSE passes through as it arrives; its last event feeds the activity log. */
  private streamThrough(
    d: Dispatch,
    response: AgentResponse,
    deadline: DispatchDeadline,
    durationMs: number,
  ): ProxyResult {
    const tap = new SseLastEvent(() => deadline.touch());
    pipeline(response.body, tap).then(
      () => {
        deadline.dispose();
        const final = tap.lastJson();
        this.afterReply(
          d,
          response.status,
          final === null ? undefined : Buffer.from(JSON.stringify(final)),
          durationMs,
        );
      },
      (err) => {
        deadline.dispose();
        this.logger.warn(
          { targetId: d.req.targetId, err: describeForwardError(err) },
          'agent stream broke off',
        );
        this.recordFailure(d, `stream broke off: ${describeForwardError(err)}`);
      },
    );
    return {
      kind: 'stream',
      status: response.status,
      contentType: response.contentType,
      stream: tap,
      outcome: 'delivered',
    };
  }

  /** A reply too large to hold is streamed on instead of being truncated. */
  private streamOversized(
    d: Dispatch,
    response: AgentResponse,
    head: Buffer,
    rest: Readable,
    deadline: DispatchDeadline,
    durationMs: number,
  ): ProxyResult {
    const stream = Readable.from(
      (async function* () {
        yield head;
        for await (const chunk of rest) {
          deadline.touch();
          yield chunk as Buffer;
        }
      })(),
    );
    stream.once('close', () => deadline.dispose());
    this.afterReply(d, response.status, undefined, durationMs);
    return {
      kind: 'stream',
      status: response.status,
      contentType: response.contentType || 'application/json',
      stream,
      outcome: 'delivered',
    };
  }

  /** Side effects of an answered call, detached from the reply (spec 03 §2.13). */
  private afterReply(
    d: Dispatch,
    status: number,
    bytes: Buffer | undefined,
    durationMs: number,
  ): void {
    const { req } = d;
    const reply = parseJsonOrNull(bytes);
    if (req.logActivity) {
      void this.activity.log({
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
      });
    }
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

  private recordFailure(d: Dispatch, detail: string): void {
    if (!d.req.logActivity) return;
    void this.activity.log({
      workspaceId: d.req.targetId,
      activityType: 'a2a_receive',
      sourceId: d.req.callerId || null,
      targetId: d.req.targetId,
      method: d.method,
      summary: `A2A request to ${d.target.name || d.req.targetId} failed: ${detail}`,
      requestBody: d.request,
      durationMs: this.now() - d.startedAt,
      status: 'error',
      errorDetail: detail,
    });
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

function parseBody(body: Buffer | Record<string, unknown>): unknown {
  if (!Buffer.isBuffer(body)) return structuredClone(body);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The agent's own `error` string when it gave one, else the HTTP reason phrase. */
function upstreamError(bytes: Buffer, status: number): string {
  const reply = parseJsonOrNull(bytes) as { error?: unknown } | null;
  if (reply && typeof reply === 'object' && typeof reply.error === 'string') return reply.error;
  return STATUS_CODES[status] ?? 'Unknown Status';
}
