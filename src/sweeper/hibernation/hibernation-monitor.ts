import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops, LoopDefinition, LoopOutcome } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { LoopNames } from '../../common/loops/loop-names';
import { AppConfig } from '../../config/app-config';
import { NOT_ABORTED } from '../pass-summary';
import { HibernationRepository } from './hibernation.repository';
import { WorkspaceHibernation } from './workspace-hibernation.port';

/**
 * Hibernates workspaces idle for their `hibernation_idle_minutes` (spec 04 §7.5, keyed off
 * activity per the spec 00 decision), through the lifecycle's own hibernate action — the
 * same path as `POST /workspaces/:id/hibernate`. The next A2A message wakes them.
 */
@Injectable()
export class HibernationMonitor implements OnApplicationBootstrap {
  private readonly logger = new Logger(HibernationMonitor.name);
  readonly loop: LoopDefinition;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
    private readonly workspaces: HibernationRepository,
    @Inject(WorkspaceHibernation) private readonly hibernation: WorkspaceHibernation | null,
    private readonly loops: BackgroundLoops,
  ) {
    this.loop = {
      name: LoopNames.hibernationMonitor,
      intervalMs: config.hibernationSweepIntervalMs,
      lockKey: LockKeys.hibernationMonitor,
      actions: ['hibernated'],
      tick: (pass) => this.sweep(pass?.signal),
    };
  }

  onApplicationBootstrap(): void {
    if (!this.hibernation) {
      this.logger.log('no lifecycle hibernate action wired: hibernation monitor disabled');
      return;
    }
    void this.loops.start(this.loop);
  }

  /** One pass under the loop's lock, as the interval runs it. */
  runPass(): Promise<LoopOutcome> {
    return this.loops.tryPass(this.loop);
  }

  async sweep(signal: AbortSignal = NOT_ABORTED): Promise<{ hibernated: number } | undefined> {
    const hibernation = this.hibernation;
    if (!hibernation) return undefined;
    let hibernated = 0;
    for (const workspaceId of await this.workspaces.idleAt(this.clock.now())) {
      if (signal.aborted) break;
      try {
        if (!(await hibernation.hibernate(workspaceId))) continue;
        hibernated++;
        this.logger.log({ workspaceId }, 'idle workspace hibernated');
      } catch (err) {
        this.logger.error({ err, workspaceId }, 'hibernating an idle workspace failed');
      }
    }
    return hibernated > 0 ? { hibernated } : undefined;
  }
}
