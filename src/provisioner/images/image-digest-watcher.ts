import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundLoops, LoopDefinition, LoopOutcome } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { LoopNames } from '../../common/loops/loop-names';
import { AppConfig } from '../../config/app-config';
import { ImageRefresh } from './image-refresh.service';
import { ImageRegistry } from './image-registry.port';
import { ImageRegistryLocation } from './image-registry-location';
import { SeenDigestsRepository } from './seen-digests.repository';
import { IMAGE_RUNTIMES } from './workspace-runtimes';

/** `sha256:` plus the next 12 characters, for logs; anything shorter or without `:` as is. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  if (colon < 0 || digest.length < colon + 1 + 12) return digest;
  return digest.slice(0, colon + 1 + 12);
}

export interface WatchSummary {
  /** Runtimes seen for the first time: recorded, nothing refreshed. */
  seeded?: string[];
  refreshed?: string[];
  /** The registry could not say (unreachable, refused, no such image). */
  unreachable?: string[];
  /** The refresh failed; the seen digest stays, so the next tick retries. */
  refreshFailed?: string[];
}

/**
 * Image auto-refresh (spec 04 §9, `IMAGE_AUTO_REFRESH=true`, Docker mode): polls the
 * registry for each runtime's `latest` digest and refreshes a runtime whose digest moved —
 * pull, then recreate its containers, through the same refresh as the admin endpoint. The
 * first digest seen for an image only seeds; a failed refresh (its pull or the container
 * listing failed) leaves the seen digest where it was so the next tick retries; one runtime's lookup or refresh failure never blocks the
 * others. Seen digests live in PostgreSQL, so replicas agree on what is new.
 */
@Injectable()
export class ImageDigestWatcher implements OnApplicationBootstrap {
  private readonly logger = new Logger(ImageDigestWatcher.name);
  readonly loop: LoopDefinition;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ImageRegistry,
    private readonly location: ImageRegistryLocation,
    private readonly refresher: ImageRefresh,
    private readonly seen: SeenDigestsRepository,
    private readonly loops: BackgroundLoops,
  ) {
    this.loop = {
      name: LoopNames.imageWatcher,
      intervalMs: config.imageWatchIntervalMs,
      lockKey: LockKeys.imageWatcher,
      actions: ['refreshed', 'refreshFailed'],
      // The first tick right away: it seeds what is new since the last run.
      startup: () => this.tick(),
      tick: () => this.tick(),
    };
  }

  onApplicationBootstrap(): void {
    if (!this.config.imageAutoRefresh) return;
    if (!this.refresher.available) {
      this.logger.log('IMAGE_AUTO_REFRESH is set but there is no Docker engine: watcher disabled');
      return;
    }
    // Not awaited: boot never waits on the registry.
    void this.loops.start(this.loop);
  }

  /** One tick under the loop's lock, as the interval runs it. */
  runPass(): Promise<LoopOutcome> {
    return this.loops.tryPass(this.loop);
  }

  async tick(): Promise<WatchSummary | undefined> {
    const seen = await this.seen.all();
    const summary: Required<WatchSummary> = {
      seeded: [],
      refreshed: [],
      unreachable: [],
      refreshFailed: [],
    };
    for (const runtime of IMAGE_RUNTIMES) {
      const image = this.location.imageFor(runtime);
      let digest: string;
      try {
        digest = await this.registry.latestDigest(runtime);
      } catch (err) {
        summary.unreachable.push(runtime);
        this.logger.warn({ err, runtime, image }, 'registry digest lookup failed');
        continue;
      }
      const previous = seen.get(image);
      if (previous === digest) continue;
      if (previous === undefined) {
        await this.seen.record(image, digest);
        summary.seeded.push(runtime);
        continue;
      }
      this.logger.log(
        { runtime, from: shortDigest(previous), to: shortDigest(digest) },
        'workspace image changed: refreshing',
      );
      try {
        const result = await this.refresher.refresh([runtime], true);
        // The reference advanced past a failed pull and never pulled that image again.
        if (result.failed.includes(runtime)) throw new Error('pull failed');
      } catch (err) {
        summary.refreshFailed.push(runtime);
        this.logger.error({ err, runtime }, 'image refresh failed; retrying next tick');
        continue;
      }
      await this.seen.record(image, digest);
      summary.refreshed.push(runtime);
    }
    const reported = Object.entries(summary).filter(([, list]) => list.length > 0);
    return reported.length > 0 ? (Object.fromEntries(reported) as WatchSummary) : undefined;
  }
}
