import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { BackgroundWork } from '../../common/shutdown/background-work';
import { A2AProxyService } from '../proxy/a2a-proxy.service';
import { delegationMessage } from './delegation-message';
import { DelegationEvents, DelegationRef } from './delegation-events';
import { completedSummary, FAILED_SUMMARY, QUEUED_SUMMARY } from './delegation-text';
import { DelegationRepository } from './delegation.repository';
import { proxyVerdict, ProxyVerdict, UNKNOWN_PROXY_ERROR } from './proxy-verdict';

export interface DelegationJob {
  readonly sourceId: string;
  readonly targetId: string;
  readonly delegationId: string;
  readonly task: string;
}

/** The pause before the single retry of a transient failure (a restarting agent comes back). */
export const RETRY_DELAY_MS = 8_000;
/** A delegation's whole life, both attempts and the pause between them. */
export const DELEGATION_BUDGET_MS = 30 * 60 * 1000;

/**
 * `executeDelegation` (spec 03 §4.3): marks the delegation dispatched, delivers the task through
 * the proxy core as the source workspace (hierarchy, budget, busy queue and activity logging
 * all apply), retries a transient failure once, then records the outcome. Runs detached from
 * the request; database errors are logged and never stop the events.
 */
@Injectable()
export class DelegationWorker {
  private readonly logger = new Logger(DelegationWorker.name);

  constructor(
    private readonly proxy: A2AProxyService,
    private readonly rows: DelegationRepository,
    private readonly events: DelegationEvents,
    private readonly clock: Clock,
    private readonly work: BackgroundWork,
  ) {}

  start(job: DelegationJob): void {
    void this.work.track(
      this.run(job).catch((err) =>
        this.logger.error({ err, delegationId: job.delegationId }, 'delegation worker crashed'),
      ),
    );
  }

  /** Resolves with how the delegation ended (for tests; callers use `start`). */
  async run(job: DelegationJob): Promise<ProxyVerdict['kind']> {
    const { sourceId, targetId, delegationId } = job;
    const deadline = this.now() + DELEGATION_BUDGET_MS;
    await this.quietly(this.rows.setStatus(sourceId, delegationId, 'dispatched'), job);
    await this.events.status({ sourceId, targetId, delegationId }, 'dispatched');

    let verdict = await this.deliver(job);
    if (verdict.kind === 'failed' && verdict.transient && this.now() + RETRY_DELAY_MS < deadline) {
      this.logger.warn({ delegationId, error: verdict.error }, 'transient failure, retrying once');
      await this.pause(RETRY_DELAY_MS);
      verdict = await this.deliver(job);
    }
    await this.record(job, verdict);
    this.logger.log({ delegationId, targetId, outcome: verdict.kind }, 'delegation settled');
    return verdict.kind;
  }

  private async deliver(job: DelegationJob): Promise<ProxyVerdict> {
    try {
      const result = await this.proxy.proxy({
        targetId: job.targetId,
        callerId: job.sourceId,
        body: delegationMessage(job.delegationId, job.task),
        logFailures: true,
        enqueueWhenBusy: true,
      });
      // A reply too big to hold still has to be read off the agent's connection.
      if (result.kind === 'stream') result.stream.resume();
      return proxyVerdict(result);
    } catch (err) {
      this.logger.error({ err, delegationId: job.delegationId }, 'delegation proxy call threw');
      return { kind: 'failed', error: UNKNOWN_PROXY_ERROR, transient: false };
    }
  }

  private async record(job: DelegationJob, verdict: ProxyVerdict): Promise<void> {
    const { sourceId, targetId, delegationId } = job;
    const ref: DelegationRef = { sourceId, targetId, delegationId };
    switch (verdict.kind) {
      case 'failed':
        await this.quietly(
          this.rows.setStatus(sourceId, delegationId, 'failed', verdict.error),
          job,
        );
        await this.quietly(
          this.rows.insertResult({
            sourceId,
            targetId,
            status: 'failed',
            summary: FAILED_SUMMARY,
            // Unlike the reference, the failure row says which delegation it ends.
            responseBody: { delegation_id: delegationId },
            errorDetail: verdict.error,
          }),
          job,
        );
        return this.events.failed(ref, verdict.error);
      case 'queued':
        await this.quietly(this.rows.setStatus(sourceId, delegationId, 'queued'), job);
        await this.quietly(
          this.rows.insertResult({
            sourceId,
            targetId,
            status: 'queued',
            summary: QUEUED_SUMMARY,
            responseBody: { delegation_id: delegationId, queued: true },
            errorDetail: null,
          }),
          job,
        );
        // The queue drain finishes it later (DelegationStitch).
        return this.events.status(ref, 'queued');
      case 'completed':
        await this.quietly(
          this.rows.insertResult({
            sourceId,
            targetId,
            status: 'completed',
            summary: completedSummary(verdict.text),
            responseBody: { text: verdict.text, delegation_id: delegationId },
            errorDetail: null,
          }),
          job,
        );
        await this.quietly(this.rows.setStatus(sourceId, delegationId, 'completed'), job);
        return this.events.completed(ref, verdict.text);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private async quietly(write: Promise<unknown>, job: DelegationJob): Promise<void> {
    try {
      await write;
    } catch (err) {
      this.logger.error({ err, delegationId: job.delegationId }, 'delegation bookkeeping failed');
    }
  }
}
