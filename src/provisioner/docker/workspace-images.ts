import { Logger } from '@nestjs/common';
import type Docker from 'dockerode';
import { daemonMessage, isEngineNotFound } from './docker-errors';

/** One line of the engine's pull stream. */
interface PullEvent {
  status?: string;
  id?: string;
  error?: string;
  progressDetail?: { current?: number; total?: number };
}

const PROGRESS_LOG_INTERVAL_MS = 5_000;

/**
 * Makes sure a workspace image is present locally (spec 04 §2.5 step 8): an image already
 * there is used as is; a missing one is pulled, with progress in the logs. Concurrent
 * provisions of one image share a single pull. A failed pull is only logged: the create that
 * follows reports the missing image.
 */
export class WorkspaceImages {
  private readonly logger = new Logger('WorkspaceImages');
  private readonly pulls = new Map<string, Promise<void>>();

  constructor(
    private readonly docker: Docker,
    private readonly platform: string,
  ) {}

  async ensure(image: string): Promise<void> {
    if (await this.isPresent(image)) return;
    let pull = this.pulls.get(image);
    if (!pull) {
      pull = this.pull(image)
        .catch((err: unknown) =>
          this.logger.warn({ image, err: daemonMessage(err) }, 'image pull failed'),
        )
        .finally(() => this.pulls.delete(image));
      this.pulls.set(image, pull);
    }
    await pull;
  }

  async isPresent(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (err) {
      if (!isEngineNotFound(err)) {
        this.logger.warn({ image, err: daemonMessage(err) }, 'image inspect failed; pulling');
      }
      return false;
    }
  }

  private async pull(image: string): Promise<void> {
    this.logger.log({ image, platform: this.platform || undefined }, 'pulling workspace image');
    const stream = (await this.docker.pull(
      image,
      this.platform ? { platform: this.platform } : {},
    )) as NodeJS.ReadableStream;
    const layers = new Map<string, { current: number; total: number }>();
    let lastLog = Date.now();
    let failure: string | undefined;
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: PullEvent) => {
          if (event.error) failure = event.error;
          if (event.id && event.progressDetail?.total) {
            layers.set(event.id, {
              current: event.progressDetail.current ?? 0,
              total: event.progressDetail.total,
            });
          }
          const ticking = event.status === 'Downloading' || event.status === 'Extracting';
          if (!ticking && event.status) {
            this.logger.log({ image, layer: event.id, status: event.status }, 'image pull');
          } else if (Date.now() - lastLog >= PROGRESS_LOG_INTERVAL_MS) {
            lastLog = Date.now();
            this.logger.log({ image, ...progressOf(layers) }, 'image pull progress');
          }
        },
      );
    });
    if (failure) throw new Error(failure);
    this.logger.log({ image }, 'workspace image pulled');
  }
}

function progressOf(layers: Map<string, { current: number; total: number }>) {
  let current = 0;
  let total = 0;
  for (const layer of layers.values()) {
    current += layer.current;
    total += layer.total;
  }
  return { layers: layers.size, bytes: current, totalBytes: total };
}
