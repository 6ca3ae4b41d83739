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
 */
@Injectable()
export class AutoRestart implements OnModuleInit {
  private readonly logger = new Logger(AutoRestart.name);

  constructor(
    private readonly backends: ComputeBackends,
    private readonly requests: RestartRequests,
    private readonly desired: DesiredStateRepository,
    private readonly reconciler: Reconciler,
  ) {}

  onModuleInit(): void {
    this.requests.on(async (ids, reason) => {
      await this.restart(ids, reason);
    });
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
}
