import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LoopNames } from '../../common/loops/loop-names';
import { LockKeys } from '../../common/loops/lock-keys';
import { AppConfig } from '../../config/app-config';
import { EventEmitter } from '../../events/event-emitter.port';
import { LivenessRepository } from './liveness.repository';
import { OfflineHooks } from './offline-hooks';

/**
 * Liveness without Redis (spec 02 §12): an online or degraded workspace whose last heartbeat
 * is older than the TTL goes offline with one `WORKSPACE_OFFLINE`; its next heartbeat brings
 * it back. One replica sweeps at a time (advisory lock).
 *
 * Silence is only counted from when this server could hear heartbeats: after an outage longer
 * than the TTL, the fleet gets one TTL to check in instead of all going offline (and being
 * auto-restarted) at the first pass.
 */
@Injectable()
export class LivenessSweep implements OnApplicationBootstrap {
  private readonly listeningSince: number;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly liveness: LivenessRepository,
    private readonly events: EventEmitter,
    private readonly hooks: OfflineHooks,
    private readonly loops: BackgroundLoops,
  ) {
    this.listeningSince = clock.now().getTime();
  }

  onApplicationBootstrap(): void {
    this.loops.start({
      name: LoopNames.livenessMonitor,
      intervalMs: this.config.livenessSweepIntervalMs,
      lockKey: LockKeys.livenessSweep,
      actions: ['offline'],
      tick: () => this.sweep(),
    });
  }

  /** One pass; returns what it did (for the loop's log line). */
  async sweep(): Promise<{ offline: number } | undefined> {
    const cutoff = this.clock.now().getTime() - this.config.livenessTtlSeconds * 1000;
    if (cutoff <= this.listeningSince) return undefined;
    const expired = await this.liveness.expireSilentSince(new Date(cutoff));
    for (const id of expired) {
      await this.events.recordAndBroadcast('WORKSPACE_OFFLINE', id, {});
      this.hooks.emit(id);
    }
    return expired.length > 0 ? { offline: expired.length } : undefined;
  }
}
