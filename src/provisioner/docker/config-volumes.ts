import { Logger } from '@nestjs/common';
import type Docker from 'dockerode';
import { daemonMessage, isEngineNotFound } from './docker-errors';
import { workspaceImagePattern } from './image-ref';
import {
  configVolumeName,
  containerName,
  IMAGE_LABEL,
  platformLabels,
  ROLE_LABEL,
  WORKSPACE_LABEL,
} from './workspace-names';

export type VolumeAccess = 'read' | 'write';

/** A container whose `/configs` is a workspace's config volume, until `release()`. */
export interface ConfigsLease {
  readonly container: Docker.Container;
  release(): Promise<void>;
}

/**
 * Reaches a workspace's `/configs` through the engine's archive API, which needs no tool in
 * the image and works on containers that are not running. With a workspace container (in any
 * state) its own mount is used; without one, a helper container of the workspace's own image
 * is created with the config volume mounted — and removed without ever being started. No
 * shell, no extra image, nothing executed.
 */
export class ConfigVolumes {
  private readonly logger = new Logger('ConfigVolumes');

  constructor(
    private readonly docker: Docker,
    private readonly imageRegistry: string,
    private readonly scope: string,
  ) {}

  /** The volume's labels, or `undefined` when it does not exist. */
  async inspect(workspaceId: string): Promise<Record<string, string> | undefined> {
    try {
      const info = await this.docker.getVolume(configVolumeName(workspaceId)).inspect();
      return info.Labels ?? {};
    } catch (err) {
      if (isEngineNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Creates the config volume (idempotent), labelled with the image that can mount it. */
  async create(workspaceId: string, image?: string): Promise<void> {
    await this.docker.createVolume({
      Name: configVolumeName(workspaceId),
      Labels: {
        ...platformLabels(this.scope),
        [WORKSPACE_LABEL]: workspaceId,
        ...(image ? { [IMAGE_LABEL]: image } : {}),
      },
    });
  }

  /**
   * Runs `fn` against a container whose `/configs` is the workspace's config volume.
   * `undefined` without calling `fn` when reading a volume that does not exist; a write
   * creates it.
   */
  async withConfigs<T>(
    workspaceId: string,
    access: VolumeAccess,
    fn: (container: Docker.Container) => Promise<T>,
  ): Promise<T | undefined> {
    const lease = await this.lease(workspaceId, access);
    if (!lease) return undefined;
    try {
      return await fn(lease.container);
    } finally {
      await lease.release();
    }
  }

  /**
   * A container whose `/configs` is the workspace's config volume, held until `release`: the
   * workspace's own container in any state, else a never-started helper. `undefined` when
   * reading a volume that does not exist; a write creates it.
   */
  async lease(workspaceId: string, access: VolumeAccess): Promise<ConfigsLease | undefined> {
    const own = this.docker.getContainer(containerName(workspaceId));
    try {
      await own.inspect();
      return { container: own, release: async () => undefined };
    } catch (err) {
      // No workspace container (or it went away just now): go through the volume.
      if (!isNoSuchContainer(err)) throw err;
    }
    let labels = await this.inspect(workspaceId);
    if (!labels) {
      if (access === 'read') return undefined;
      await this.create(workspaceId);
      labels = {};
    }
    const helper = await this.createHelper(workspaceId, access, labels[IMAGE_LABEL]);
    return { container: helper, release: () => this.removeHelper(workspaceId, helper) };
  }

  /**
   * Runs one program of the workspace's image (an argv, never shell text) with the config
   * volume mounted read-write at `/configs`, waits for it and removes it. The archive API
   * cannot delete, so a delete on a volume with no container running goes this way. Resolves
   * with the exit code.
   */
  async runOnVolume(workspaceId: string, argv: readonly string[]): Promise<number> {
    const labels = (await this.inspect(workspaceId)) ?? {};
    const image = await this.helperImage(labels[IMAGE_LABEL]);
    const helper = await this.docker.createContainer({
      Image: image,
      Entrypoint: [argv[0]],
      Cmd: argv.slice(1),
      User: '0',
      Labels: {
        ...platformLabels(this.scope),
        [WORKSPACE_LABEL]: workspaceId,
        [ROLE_LABEL]: 'volume-tool',
      },
      NetworkDisabled: true,
      HostConfig: { Binds: [`${configVolumeName(workspaceId)}:/configs`], NetworkMode: 'none' },
    });
    try {
      await helper.start();
      const result = (await helper.wait()) as { StatusCode?: number };
      return result.StatusCode ?? -1;
    } finally {
      await this.removeHelper(workspaceId, helper);
    }
  }

  private async removeHelper(workspaceId: string, helper: Docker.Container): Promise<void> {
    await helper.remove({ force: true }).catch((err: unknown) => {
      this.logger.warn({ workspaceId, err: daemonMessage(err) }, 'helper container removal failed');
    });
  }

  private async createHelper(
    workspaceId: string,
    access: VolumeAccess,
    labelledImage: string | undefined,
  ): Promise<Docker.Container> {
    const image = await this.helperImage(labelledImage);
    const bind = `${configVolumeName(workspaceId)}:/configs${access === 'read' ? ':ro' : ''}`;
    return this.docker.createContainer({
      Image: image,
      // Never started: the command only satisfies create for images without one.
      Entrypoint: ['/molecule-volume-access'],
      Cmd: [],
      Labels: {
        ...platformLabels(this.scope),
        [WORKSPACE_LABEL]: workspaceId,
        [ROLE_LABEL]: 'volume-access',
      },
      NetworkDisabled: true,
      HostConfig: { Binds: [bind], NetworkMode: 'none' },
    });
  }

  /** The image recorded on the volume when still present; else any local workspace image. */
  private async helperImage(labelled: string | undefined): Promise<string> {
    if (labelled) {
      try {
        await this.docker.getImage(labelled).inspect();
        return labelled;
      } catch (err) {
        if (!isEngineNotFound(err)) throw err;
      }
    }
    const images = await this.docker.listImages({
      filters: JSON.stringify({ reference: [workspaceImagePattern(this.imageRegistry)] }),
    });
    const tag = images.flatMap((i) => i.RepoTags ?? []).find((t) => !t.startsWith('<none>'));
    if (!tag) throw new Error('no workspace image is present to reach the config volume with');
    return tag;
  }
}

/** A 404 about the container itself (not about a path inside it). */
export function isNoSuchContainer(err: unknown): boolean {
  return isEngineNotFound(err) && daemonMessage(err).includes('No such container');
}
