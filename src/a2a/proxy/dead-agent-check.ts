import { Injectable, Logger } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { EventEmitter } from '../../events/event-emitter.port';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { RestartRequests } from '../../workspaces/lifecycle/restart-requests';

const MARK_OFFLINE = sql(
  'a2a.mark_offline',
  `UPDATE workspaces SET status = 'offline', updated_at = now()
    WHERE id = $1 AND status NOT IN ('removed', 'provisioning')`,
);

/**
 * After a failed forward, asks the local container backend whether the agent's container is
 * gone (spec 03 §2.11). Only a definite "not running" counts — an inspection error is taken
 * as alive. A dead agent is marked offline and a restart is requested.
 */
@Injectable()
export class DeadAgentCheck {
  private readonly logger = new Logger(DeadAgentCheck.name);

  constructor(
    private readonly backends: ComputeBackends,
    private readonly db: Database,
    private readonly events: EventEmitter,
    private readonly restarts: RestartRequests,
  ) {}

  async isDeadAndMarkedOffline(workspaceId: string, runtime: string | null): Promise<boolean> {
    const docker = this.backends.docker;
    if (!docker || runtime === 'external') return false;
    let running: boolean;
    try {
      running = await docker.isRunning(workspaceId);
    } catch {
      return false;
    }
    if (running) return false;
    try {
      await this.db.execute(MARK_OFFLINE, [workspaceId]);
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'could not mark a dead agent offline');
    }
    await this.events.recordAndBroadcast('WORKSPACE_OFFLINE', workspaceId, {});
    this.restarts.request([workspaceId], 'agent container found dead by the A2A proxy');
    return true;
  }
}
