import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { AppConfig } from '../../config/app-config';
import { EventEmitter } from '../../events/event-emitter.port';
import { LivenessRepository } from './liveness.repository';
import { OfflineHooks } from './offline-hooks';

/**
 * Liveness without Redis (spec 02 §12): an online or degraded workspace whose last heartbeat
 * is older than the TTL goes offline with one `WORKSPACE_OFFLINE`; its next heartbeat brings
 * it back. One replica sweeps at a time (advisory lock).
 */
@Injectable()
export class LivenessSweep implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly liveness: LivenessRepository,
    private readonly events: EventEmitter,
    private readonly hooks: OfflineHooks,
    private readonly loops: BackgroundLoops,
  ) {}

  onApplicationBootstrap(): void {
    this.loops.start({
      name: 'liveness-sweep',
      intervalMs: this.config.livenessSweepIntervalMs,
      lockKey: LockKeys.livenessSweep,
      tick: () => this.sweep(),
    });
  }

  /** One pass; returns what it did (for the loop's log line). */
  async sweep(): Promise<{ offline: number } | undefined> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.livenessTtlSeconds * 1000);
    const expired = await this.liveness.expireSilentSince(cutoff);
    for (const id of expired) {
      await this.events.recordAndBroadcast('WORKSPACE_OFFLINE', id, {});
      this.hooks.emit(id);
    }
    return expired.length > 0 ? { offline: expired.length } : undefined;
  }
}
