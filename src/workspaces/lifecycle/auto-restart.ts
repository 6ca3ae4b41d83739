import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { DesiredStateRepository } from './desired-state.repository';
import { Reconciler } from './reconciler';
import { RestartRequests } from './restart-requests';

/**
 * Restarts asked for through `RestartRequests` (secret and model changes, a dead container, a
 * workspace gone silent): a new generation for each workspace that should run (spec 04 §5.3 —
 * paused, hibernated, removed and external ones, and those under a paused ancestor, are left
 * alone), then a nudge. Requests during a cycle coalesce into exactly one more.
 *
 * Requests are written one statement at a time: those arriving while one runs are merged into
 * the next. A burst of changes (a script setting ten global secrets, each restarting the whole
 * fleet) then costs a couple of statements on one connection, not a convoy of fleet-wide
 * UPDATEs each holding a pooled connection while it waits on the previous one's row locks.
 */
@Injectable()
export class AutoRestart implements OnModuleInit {
  private readonly logger = new Logger(AutoRestart.name);
  /** Workspaces waiting for the next statement, each with the first reason given for it. */
  private readonly waiting = new Map<string, string>();
  private writing: Promise<void> | undefined;

  constructor(
    private readonly backends: ComputeBackends,
    private readonly requests: RestartRequests,
    private readonly desired: DesiredStateRepository,
    private readonly reconciler: Reconciler,
  ) {}

  onModuleInit(): void {
    this.requests.on((ids, reason) => this.enqueue(ids, reason));
  }

  /**
   * Returns the ids a restart was accepted for. Without any compute backend there is nothing
   * to restart with: nothing is touched (as the reference's restart without Docker).
   */
  async restart(ids: readonly string[], reason: string): Promise<string[]> {
    if (!this.backends.any) return [];
    const accepted = await this.desired.autoRestart(ids);
    if (accepted.length > 0) {
      this.logger.log({ workspaceIds: accepted, reason }, 'auto-restart requested');
      this.reconciler.nudge(accepted);
    }
    return accepted;
  }

  /** Settles once the ids are written (or their statement failed and was logged). */
  private enqueue(ids: readonly string[], reason: string): Promise<void> {
    for (const id of ids) if (!this.waiting.has(id)) this.waiting.set(id, reason);
    this.writing ??= this.writeWaiting().finally(() => (this.writing = undefined));
    return this.writing;
  }

  private async writeWaiting(): Promise<void> {
    while (this.waiting.size > 0) {
      const batch = [...this.waiting.keys()];
      const reason = [...new Set(this.waiting.values())].join('; ');
      this.waiting.clear();
      try {
        await this.restart(batch, reason);
      } catch (err) {
        this.logger.error(
          { err, workspaceIds: batch, reason },
          'auto-restart could not be written',
        );
      }
    }
  }
}
