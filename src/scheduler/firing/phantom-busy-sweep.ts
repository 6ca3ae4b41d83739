import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { LoopNames } from '../../common/loops/loop-names';
import { DueSchedulesRepository } from './due-schedules.repository';

export const PHANTOM_SWEEP_INTERVAL_MS = 5 * 60 * 1000;
/** A workspace with no activity row for this long is not really busy. */
export const PHANTOM_QUIET_MS = 10 * 60 * 1000;

/**
 * The phantom-busy sweep (spec 05 §3.8): a runtime that crashed mid-task never reports its
 * `active_tasks` back down, and every cron of that workspace would defer and skip forever.
 * Every five minutes (one replica at a time) such counters are zeroed. No event.
 */
@Injectable()
export class PhantomBusySweep implements OnApplicationBootstrap {
  constructor(
    private readonly loops: BackgroundLoops,
    private readonly due: DueSchedulesRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    void this.loops.start({
      name: LoopNames.phantomBusySweep,
      intervalMs: PHANTOM_SWEEP_INTERVAL_MS,
      lockKey: LockKeys.phantomBusySweep,
      actions: ['reset'],
      tick: () => this.sweep(),
    });
  }

  async sweep(): Promise<Record<string, unknown> | void> {
    const quietSince = new Date(this.clock.now().getTime() - PHANTOM_QUIET_MS);
    const reset = await this.due.resetPhantomBusy(quietSince);
    if (reset.length > 0) return { reset: reset.map((w) => ({ id: w.id, name: w.name })) };
  }
}
