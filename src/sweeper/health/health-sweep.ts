import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { eachLimited } from '../../common/concurrency/each-limited';
import { BackgroundLoops, LoopDefinition, LoopOutcome } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { LoopNames } from '../../common/loops/loop-names';
import { AppConfig } from '../../config/app-config';
import { EventEmitter } from '../../events/event-emitter.port';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { RestartRequests } from '../../workspaces/lifecycle/restart-requests';
import { NOT_ABORTED } from '../pass-summary';
import { HealthRepository } from './health.repository';

/** Engine or control-plane status calls in flight at once during a sweep. */
export const HEALTH_CHECK_CONCURRENCY = 4;

export const DEAD_COMPUTE_RESTART_REASON = 'compute not running (health sweep)';

/** Whichever backend runs this instance's workspaces; both answer `true` when unsure. */
interface ComputeStatus {
  isRunning(workspaceId: string): Promise<boolean>;
}

export type HealthSweepSummary = {
  checked: number;
  /** Workspaces found dead, marked offline and handed to the lifecycle for a restart. */
  restarted: number;
};

/**
 * Notices workspaces that should be running whose container is gone or stopped (Docker) or
 * whose instance is not running (control plane, through its status endpoint), and heals
 * them through the lifecycle's restart path: `offline`, `WORKSPACE_OFFLINE {}`, then a
 * restart request — the workspace comes back online by itself. Only a definite "not
 * running" counts: both backends answer `true` when they cannot tell, so a transient engine
 * or network problem never takes a healthy workspace down (spec 04 §7.2).
 */
@Injectable()
export class HealthSweep implements OnApplicationBootstrap {
  private readonly logger = new Logger(HealthSweep.name);
  readonly loop: LoopDefinition;

  constructor(
    config: AppConfig,
    private readonly backends: ComputeBackends,
    private readonly health: HealthRepository,
    private readonly events: EventEmitter,
    private readonly restarts: RestartRequests,
    private readonly loops: BackgroundLoops,
  ) {
    this.loop = {
      name: LoopNames.healthSweep,
      intervalMs: config.healthSweepIntervalMs,
      lockKey: LockKeys.healthSweep,
      actions: ['restarted'],
      tick: (pass) => this.sweep(pass?.signal),
    };
  }

  onApplicationBootstrap(): void {
    if (!this.status()) {
      this.logger.log('no compute backend: health sweep disabled');
      return;
    }
    void this.loops.start(this.loop);
  }

  /** One sweep under the loop's lock, as the interval runs it. */
  runPass(): Promise<LoopOutcome> {
    return this.loops.tryPass(this.loop);
  }

  async sweep(signal: AbortSignal = NOT_ABORTED): Promise<HealthSweepSummary | undefined> {
    const status = this.status();
    if (!status) return undefined;
    const ids = await this.health.liveWorkspaces(this.backends.controlPlane !== null);
    let restarted = 0;
    await eachLimited(
      ids,
      HEALTH_CHECK_CONCURRENCY,
      async (id) => {
        if (await this.healIfDead(status, id)) restarted++;
      },
      signal,
    );
    return restarted > 0 ? { checked: ids.length, restarted } : undefined;
  }

  private async healIfDead(status: ComputeStatus, workspaceId: string): Promise<boolean> {
    try {
      if (await status.isRunning(workspaceId)) return false;
      if (!(await this.health.markOffline(workspaceId))) return false;
    } catch (err) {
      // Never a false positive: a failed check or write leaves the workspace for the next sweep.
      this.logger.warn({ err, workspaceId }, 'health check failed; skipped');
      return false;
    }
    this.logger.warn({ workspaceId }, 'compute not running: marked offline, restart requested');
    await this.events
      .recordAndBroadcast('WORKSPACE_OFFLINE', workspaceId, {})
      .catch((err: unknown) =>
        this.logger.error({ err, workspaceId }, 'WORKSPACE_OFFLINE not sent'),
      );
    this.restarts.request([workspaceId], DEAD_COMPUTE_RESTART_REASON);
    return true;
  }

  /** The control plane when wired (it owns this instance's workspaces), else Docker. */
  private status(): ComputeStatus | null {
    return this.backends.controlPlane ?? this.backends.docker;
  }
}
