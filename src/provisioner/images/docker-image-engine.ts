import { Logger } from '@nestjs/common';
import type Docker from 'dockerode';
import { daemonMessage } from '../docker/docker-errors';
import { parseOciPlatform } from '../docker/image-platform';
import { CONTAINER_PREFIX, SCOPE_LABEL } from '../docker/workspace-names';
import { ImageEngine, PullOptions, PullProgress, WorkspaceContainer } from './image-engine.port';

/** Engine call bounds of the refresh (spec 04 §8); pulls share the refresh's own budget. */
export const LIST_TIMEOUT_MS = 30_000;
export const INSPECT_TIMEOUT_MS = 10_000;
export const REMOVE_TIMEOUT_MS = 30_000;

/** One message of the engine's pull stream. */
interface PullMessage {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
}

export interface DockerImageEngineOptions {
  /** Resolved `os/arch` forced on pulls (`MOLECULE_IMAGE_PLATFORM`); empty: the daemon's. */
  readonly platform: string;
  /** `molecule.platform.scope` of this platform; empty: every `ws-*` container is ours. */
  readonly scope: string;
}

/** The `ImageEngine` port on the Docker adapter's dockerode client. */
export class DockerImageEngine extends ImageEngine {
  private readonly logger = new Logger(DockerImageEngine.name);

  constructor(
    private readonly docker: Docker,
    private readonly options: DockerImageEngineOptions,
  ) {
    super();
  }

  async pull(
    image: string,
    { registryAuth, signal }: PullOptions,
    onProgress: (progress: PullProgress) => void,
  ): Promise<void> {
    // The same normalisation the provisioner applies to its pulls and creates (spec 04 §1.1).
    const platform = parseOciPlatform(this.options.platform);
    const stream = (await this.docker.pull(image, {
      ...(platform && { platform: `${platform.os}/${platform.architecture}` }),
      // Sent as is: already the engine's URL-safe base64 `X-Registry-Auth`.
      ...(registryAuth && { authconfig: { base64: registryAuth } }),
      ...(signal && { abortSignal: signal }),
    })) as NodeJS.ReadableStream;
    let failure: string | undefined;
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (message: PullMessage) => {
          if (message.error) failure ??= message.error;
          else if (message.status) onProgress(progressOf(message));
        },
      );
    });
    // The engine reports a failed pull (unknown manifest, denied) inside a 200 stream.
    if (failure) throw new Error(failure);
  }

  async listWorkspaceContainers(): Promise<WorkspaceContainer[]> {
    const label = this.options.scope ? [`${SCOPE_LABEL}=${this.options.scope}`] : [];
    const listed = await this.docker.listContainers({
      all: true,
      filters: JSON.stringify({ name: [CONTAINER_PREFIX], label }),
      abortSignal: AbortSignal.timeout(LIST_TIMEOUT_MS),
    });
    const containers: WorkspaceContainer[] = [];
    for (const entry of listed) {
      // The name filter matches substrings: keep what really is `ws-*`.
      const name = (entry.Names ?? [])
        .map((n) => n.replace(/^\//, ''))
        .find((n) => n.startsWith(CONTAINER_PREFIX));
      if (!name) continue;
      try {
        const info = await this.docker
          .getContainer(entry.Id)
          .inspect({ abortSignal: AbortSignal.timeout(INSPECT_TIMEOUT_MS) });
        containers.push({ id: entry.Id, name, image: info.Config?.Image ?? '' });
      } catch (err) {
        this.logger.warn(
          { err: daemonMessage(err), container: name },
          'container inspect failed; skipped',
        );
      }
    }
    return containers;
  }

  async removeContainer(id: string): Promise<void> {
    await this.docker
      .getContainer(id)
      .remove({ force: true, abortSignal: AbortSignal.timeout(REMOVE_TIMEOUT_MS) });
  }
}

function progressOf(message: PullMessage): PullProgress {
  return {
    status: message.status ?? '',
    ...(message.id && { id: message.id }),
    ...(message.progress && { progress: message.progress }),
  };
}
