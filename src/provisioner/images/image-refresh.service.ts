import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { ImageEngine, PullProgress, WorkspaceContainer } from './image-engine.port';
import { ImageRegistryLocation } from './image-registry-location';
import { RegistryCredentials } from './registry-credentials';

/** Every pull of one refresh shares this budget (spec 04 §8). */
export const PULL_BUDGET_MS = 5 * 60_000;

/** The wire shape of a refresh (arrays, never null). */
export interface RefreshResult {
  readonly pulled: string[];
  readonly failed: string[];
  readonly recreated: string[];
}

/** What a refresh reports while it runs (`?stream=true` sends each as a line). */
export type RefreshEvent =
  | ({ readonly runtime: string } & PullProgress)
  | { readonly runtime: string; readonly result: 'pulled' | 'failed' }
  | { readonly container: string; readonly result: 'recreated' };

/** The engine could not list containers: nothing was recreated; what was pulled is kept. */
export class ContainerListError extends Error {
  constructor(readonly partial: RefreshResult) {
    super('container list failed');
  }
}

/** Without a Docker engine there is nothing to pull into. */
export class NoImageEngineError extends Error {
  constructor() {
    super('no Docker engine');
  }
}

/**
 * Pulls the latest workspace image of some runtimes and force-removes the containers created
 * from them (spec 04 §8). Removed containers are not re-created here: the health sweep
 * notices them and the lifecycle provisions each again, from the new image. Shared by the
 * admin refresh endpoint and the digest watcher.
 */
@Injectable()
export class ImageRefresh {
  private readonly logger = new Logger(ImageRefresh.name);

  constructor(
    @Inject(ImageEngine) private readonly engine: ImageEngine | null,
    private readonly location: ImageRegistryLocation,
    @Inject(RegistryCredentials) private readonly credentials: RegistryCredentials | null,
    private readonly clock: Clock,
  ) {}

  /** Whether this instance has an engine to refresh (Docker mode). */
  get available(): boolean {
    return this.engine !== null;
  }

  /**
   * Pulls each runtime's image (a failed pull is reported in `failed`, never thrown), then,
   * with `recreate`, removes the containers of the runtimes that were pulled. Rejects with
   * `ContainerListError` when the containers cannot be listed.
   */
  async refresh(
    runtimes: readonly string[],
    recreate: boolean,
    onEvent: (event: RefreshEvent) => void = () => undefined,
  ): Promise<RefreshResult> {
    const engine = this.engine;
    if (!engine) throw new NoImageEngineError();
    const result: RefreshResult = { pulled: [], failed: [], recreated: [] };
    await this.pullAll(engine, runtimes, result, onEvent);
    // Nothing pulled, nothing to recreate: no container can be on a new image.
    if (recreate && result.pulled.length > 0) await this.removeContainers(engine, result, onEvent);
    this.logger.log(result, 'image refresh done');
    return result;
  }

  private async removeContainers(
    engine: ImageEngine,
    result: RefreshResult,
    onEvent: (event: RefreshEvent) => void,
  ): Promise<void> {
    let containers: WorkspaceContainer[];
    try {
      containers = await engine.listWorkspaceContainers();
    } catch (err) {
      this.logger.error({ err }, 'image refresh: listing workspace containers failed');
      throw new ContainerListError(result);
    }
    for (const container of containers) {
      if (!result.pulled.some((rt) => isImageOf(container.image, rt))) continue;
      try {
        await engine.removeContainer(container.id);
      } catch (err) {
        this.logger.warn({ err, container: container.name }, 'image refresh: removal failed');
        continue;
      }
      result.recreated.push(container.name);
      onEvent({ container: container.name, result: 'recreated' });
    }
  }

  private async pullAll(
    engine: ImageEngine,
    runtimes: readonly string[],
    result: RefreshResult,
    onEvent: (event: RefreshEvent) => void,
  ): Promise<void> {
    const budget = new AbortController();
    const timer = this.clock.setTimeout(
      () => budget.abort(new Error(`pull budget of ${PULL_BUDGET_MS} ms spent`)),
      PULL_BUDGET_MS,
    );
    const registryAuth = this.credentials?.engineAuth(this.location.host);
    try {
      for (const runtime of runtimes) {
        const image = this.location.imageFor(runtime);
        const progress = new PullLog(this.logger, runtime);
        try {
          budget.signal.throwIfAborted();
          await engine.pull(image, { registryAuth, signal: budget.signal }, (p) => {
            progress.record(p);
            onEvent({ runtime, ...p });
          });
          result.pulled.push(runtime);
          this.logger.log({ runtime, image }, 'image pulled');
        } catch (err) {
          result.failed.push(runtime);
          this.logger.error({ err, runtime, image }, 'image pull failed');
        }
        onEvent({ runtime, result: result.failed.includes(runtime) ? 'failed' : 'pulled' });
      }
    } finally {
      timer.cancel();
    }
  }
}

/**
 * Whether a container's configured image is `runtime`'s workspace template: the repository's
 * last path component, without tag or digest, is `workspace-template-<runtime>`.
 */
export function isImageOf(image: string, runtime: string): boolean {
  const withoutDigest = image.split('@')[0];
  const lastComponent = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  return lastComponent.split(':')[0] === `workspace-template-${runtime}`;
}

/**
 * Pull progress in the logs, per runtime: each layer's status once when it changes
 * ("Downloading" is logged once, not for every chunk).
 */
class PullLog {
  private readonly statusByLayer = new Map<string, string>();

  constructor(
    private readonly logger: Logger,
    private readonly runtime: string,
  ) {}

  record(progress: PullProgress): void {
    const layer = progress.id ?? '';
    if (this.statusByLayer.get(layer) === progress.status) return;
    this.statusByLayer.set(layer, progress.status);
    this.logger.log(
      { runtime: this.runtime, layer: progress.id, status: progress.status },
      'image pull progress',
    );
  }
}
