import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LoopNames } from '../../common/loops/loop-names';
import { LockKeys } from '../../common/loops/lock-keys';
import { AppConfig } from '../../config/app-config';
import { ActivityRepository } from '../activity.repository';

/**
 * Retention (spec 03 §5.6): every `ACTIVITY_CLEANUP_INTERVAL_HOURS` — first pass one full
 * interval after boot — rows older than `ACTIVITY_RETENTION_DAYS` days go. One replica at a time.
 */
@Injectable()
export class ActivityRetention implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly activity: ActivityRepository,
    private readonly loops: BackgroundLoops,
  ) {}

  onApplicationBootstrap(): void {
    this.loops.start({
      name: LoopNames.activityRetention,
      intervalMs: this.config.activityCleanupIntervalMs,
      lockKey: LockKeys.activityRetention,
      actions: ['purged'],
      tick: async () => {
        const purged = await this.purge();
        return purged > 0 ? { purged } : undefined;
      },
    });
  }

  /** One pass; returns how many rows it deleted. */
  purge(): Promise<number> {
    return this.activity.purgeOlderThan(this.config.activityRetentionDays);
  }
}
