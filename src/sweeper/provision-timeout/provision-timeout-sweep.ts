import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops, LoopDefinition, LoopOutcome } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { LoopNames } from '../../common/loops/loop-names';
import { AppConfig } from '../../config/app-config';
import { EventEmitter } from '../../events/event-emitter.port';
import { ProvisionTimeoutPolicy } from './provision-timeout-policy';
import { ProvisionTimeoutRepository } from './provision-timeout.repository';

/** Stored in `last_sample_error` and sent as the event's `error` (spec 02 §12.4). */
export const PROVISION_TIMEOUT_MESSAGE =
  'provisioning timed out — container started but never called /registry/register. Check container logs and network connectivity to the platform.';

/**
 * Fails workspaces stuck in `provisioning` past their runtime's timeout, measured from
 * `updated_at` (spec 04 §7.4): `failed`, the message in `last_sample_error`, and
 * `WORKSPACE_PROVISION_FAILED {error, timeout_secs, runtime, source}`. `awaiting_agent`
 * (an external workspace waiting for its agent) is never touched.
 */
@Injectable()
export class ProvisionTimeoutSweep implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProvisionTimeoutSweep.name);
  readonly loop: LoopDefinition;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
    private readonly policy: ProvisionTimeoutPolicy,
    private readonly workspaces: ProvisionTimeoutRepository,
    private readonly events: EventEmitter,
    private readonly loops: BackgroundLoops,
  ) {
    this.loop = {
      name: LoopNames.provisionTimeoutSweep,
      intervalMs: config.provisionTimeoutSweepIntervalMs,
      lockKey: LockKeys.provisionTimeoutSweep,
      actions: ['timedOut'],
      tick: () => this.sweep(),
    };
  }

  onApplicationBootstrap(): void {
    void this.loops.start(this.loop);
  }

  /** One sweep under the loop's lock, as the interval runs it. */
  runPass(): Promise<LoopOutcome> {
    return this.loops.tryPass(this.loop);
  }

  async sweep(): Promise<{ timedOut: number } | undefined> {
    const now = this.clock.now().getTime();
    let timedOut = 0;
    for (const row of await this.workspaces.provisioning()) {
      const timeoutSecs = this.policy.timeoutSeconds(row.runtime);
      const since = new Date(now - timeoutSecs * 1000);
      if (row.updated_at > since) continue;
      let flipped: boolean;
      try {
        flipped = await this.workspaces.markTimedOut(row.id, since, PROVISION_TIMEOUT_MESSAGE);
      } catch (err) {
        this.logger.error({ err, workspaceId: row.id }, 'could not mark a stuck provision failed');
        continue;
      }
      if (!flipped) continue;
      timedOut++;
      this.logger.warn(
        { workspaceId: row.id, runtime: row.runtime, timeoutSecs },
        'provisioning timed out: workspace marked failed',
      );
      await this.events
        .recordAndBroadcast('WORKSPACE_PROVISION_FAILED', row.id, {
          error: PROVISION_TIMEOUT_MESSAGE,
          timeout_secs: timeoutSecs,
          runtime: row.runtime,
          source: 'provision_timeout_sweep',
        })
        .catch((err: unknown) =>
          this.logger.error({ err, workspaceId: row.id }, 'WORKSPACE_PROVISION_FAILED not sent'),
        );
    }
    return timedOut > 0 ? { timedOut } : undefined;
  }
}
