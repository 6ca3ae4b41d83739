import { Logger } from '@nestjs/common';
import type Docker from 'dockerode';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Clock } from '../../common/clock/clock';
import { Provisioner, WorkspaceStartSpec } from '../provisioner.port';
import { BridgeNetwork } from './bridge-network';
import { ConfigArchive, cleanName, filesOfDirectory, readSingleFile } from './config-archive';
import { ConfigVolumes, isNoSuchContainer } from './config-volumes';
import { DockerFileStore } from './docker-file-store';
import { withA2aPort } from './config-yaml-port';
import { containerEnv, isGoTrue } from './container-env';
import {
  daemonMessage,
  isContainerNotFound,
  isEngineNotFound,
  isImageNotFound,
  isRemovalInProgress,
} from './docker-errors';
import {
  applyTier,
  containerNetworking,
  A2A_CONTAINER_PORT,
  TierLimits,
  workspaceBinds,
} from './host-config';
import { parseOciPlatform } from './image-platform';
import { runtimeTagFromImage, workspaceImage } from './image-ref';
import { LoopbackPorts } from './loopback-ports';
import { parsePathStat } from './path-stat';
import { WorkspaceImages } from './workspace-images';
import {
  configVolumeName,
  containerName,
  CONTAINER_PREFIX,
  idPrefixOf,
  internalUrl,
  platformLabelFilters,
  platformLabels,
  sessionVolumeName,
  WORKSPACE_LABEL,
  workspaceVolumeName,
} from './workspace-names';

export interface DockerProvisionerOptions {
  /** `host`, or the bridge network workspaces join. */
  readonly network: string;
  readonly imageRegistry: string;
  /** Resolved `os/arch` forced on pulls and creates; empty: the daemon's default. */
  readonly imagePlatform: string;
  readonly tierLimits: TierLimits;
  /** `molecule.platform.scope` label value; empty: none. */
  readonly scope: string;
}

const URL_INSPECT_ATTEMPTS = 3;
const URL_INSPECT_DELAY_MS = 500;
const PING_TIMEOUT_MS = 3_000;

/**
 * The Docker adapter of the `Provisioner` port (spec 04 §1–§2): one container `ws-<id12>`
 * per workspace with its config volume at `/configs`. Everything the agent must find at its
 * first start — template, generated config, token, inbound secret — is written into the
 * created container through the archive API before it starts, so the agent never sees an
 * older `/configs` and no helper image or shell is involved.
 */
export class DockerProvisioner extends Provisioner {
  private readonly logger = new Logger('DockerProvisioner');
  private readonly ports = new LoopbackPorts();
  private readonly images: WorkspaceImages;
  private readonly volumes: ConfigVolumes;
  private readonly network: BridgeNetwork;
  /** The workspaces' files on this engine (the files and chat-file routes use them). */
  readonly files: DockerFileStore;

  constructor(
    private readonly docker: Docker,
    private readonly options: DockerProvisionerOptions,
    private readonly clock: Clock,
  ) {
    super();
    this.images = new WorkspaceImages(docker, options.imagePlatform);
    this.volumes = new ConfigVolumes(docker, options.imageRegistry, options.scope);
    this.network = new BridgeNetwork(docker, options.network, options.scope);
    this.files = new DockerFileStore(docker, this.volumes);
  }

  async start(spec: WorkspaceStartSpec): Promise<string> {
    const id = spec.workspaceId;
    const name = containerName(id);
    const image = workspaceImage(this.options.imageRegistry, spec.runtime);
    const host = applyTier(
      { Binds: workspaceBinds(spec), RestartPolicy: { Name: 'unless-stopped' } },
      spec.tier,
      this.options.tierLimits,
    );
    const networking = containerNetworking(host, this.options.network, name);
    const port = networking.hostNetwork ? await this.ports.take(id) : undefined;
    try {
      const archive = this.configArchive(spec);
      await Promise.all([
        networking.hostNetwork ? undefined : this.network.ensure(),
        this.volumes.create(id, image).catch((err: unknown) => {
          throw new Error(
            `failed to create config volume ${configVolumeName(id)}: ${daemonMessage(err)}`,
          );
        }),
        // A session volume can only be reset once the old container let go of it.
        this.removeQuietly(name).then(() => this.prepareExtraVolumes(spec, host.Binds ?? [])),
        this.images.ensure(image),
        // A failure surfaces when the archive is written; don't let it go unhandled meanwhile.
        archive.catch(() => undefined),
      ]);
      const container = await this.create(spec, image, networking, port);
      try {
        await this.writeConfigs(container, await archive, port);
      } catch (err) {
        await this.removeQuietly(name);
        throw new Error(`failed to write /configs: ${daemonMessage(err)}`);
      }
      try {
        await container.start();
      } catch (err) {
        await this.removeQuietly(name);
        throw new Error(`failed to start container: ${daemonMessage(err)}`);
      }
      this.logger.log({ workspaceId: id, container: name, image }, 'workspace container started');
      return port !== undefined
        ? `http://127.0.0.1:${port}`
        : await this.publishedUrl(container, id);
    } catch (err) {
      this.ports.release(id);
      throw err;
    }
  }

  async stop(workspaceId: string): Promise<void> {
    const name = containerName(workspaceId);
    try {
      // One call kills and removes, so `unless-stopped` cannot respawn it in between.
      await this.docker.getContainer(name).remove({ force: true });
    } catch (err) {
      if (isRemovalInProgress(err)) {
        this.logger.log({ workspaceId, container: name }, 'container removal already in progress');
      } else if (!isContainerNotFound(err)) {
        throw new Error(`force-remove ${name}: ${daemonMessage(err)}`);
      }
    }
    this.ports.release(workspaceId);
  }

  async isRunning(workspaceId: string): Promise<boolean> {
    try {
      const info = await this.docker.getContainer(containerName(workspaceId)).inspect();
      return info.State?.Running === true;
    } catch (err) {
      if (isContainerNotFound(err)) return false;
      // Transient daemon trouble must never look like a dead container.
      this.logger.warn({ workspaceId, err: daemonMessage(err) }, 'container inspect failed');
      return true;
    }
  }

  async removeVolume(workspaceId: string): Promise<void> {
    const config = configVolumeName(workspaceId);
    try {
      await this.docker.getVolume(config).remove({ force: true });
    } catch (err) {
      if (!isEngineNotFound(err))
        throw new Error(`failed to remove volume ${config}: ${daemonMessage(err)}`);
    }
    for (const volume of [sessionVolumeName(workspaceId), workspaceVolumeName(workspaceId)]) {
      await this.docker
        .getVolume(volume)
        .remove({ force: true })
        .catch((err: unknown) => {
          if (!isEngineNotFound(err)) {
            this.logger.warn(
              { workspaceId, volume, err: daemonMessage(err) },
              'volume removal failed',
            );
          }
        });
    }
  }

  listWorkspaceContainerIdPrefixes(): Promise<string[]> {
    const label = this.options.scope ? platformLabelFilters(this.options.scope).slice(1) : [];
    return this.containerIdPrefixes({ name: [CONTAINER_PREFIX], label });
  }

  listManagedContainerIdPrefixes(): Promise<string[]> {
    return this.containerIdPrefixes({ label: platformLabelFilters(this.options.scope) });
  }

  async readConfigFile(workspaceId: string, relPath: string): Promise<Buffer | undefined> {
    const path = `/configs/${cleanName(relPath)}`;
    return this.volumes.withConfigs(workspaceId, 'read', (container) =>
      this.readFrom(container, path),
    );
  }

  async configVolumeHasFile(workspaceId: string, relPath: string): Promise<boolean> {
    const path = `/configs/${cleanName(relPath)}`;
    // Never let a helper's bind create the volume.
    if (!(await this.volumes.inspect(workspaceId))) return false;
    const found = await this.volumes.withConfigs(workspaceId, 'read', async (container) => {
      try {
        const res = (await container.infoArchive({ path })) as IncomingMessage;
        res.resume(); // a HEAD answer: release the connection
        return isRegularFile(res.headers['x-docker-container-path-stat'] as string | undefined);
      } catch (err) {
        if (isEngineNotFound(err) && !isNoSuchContainer(err)) return false;
        throw err;
      }
    });
    return found === true;
  }

  async listConfigFiles(workspaceId: string, relDir: string): Promise<string[] | undefined> {
    const dir = cleanName(relDir);
    return this.volumes.withConfigs(workspaceId, 'read', async (container) => {
      let archive: NodeJS.ReadableStream;
      try {
        archive = await container.getArchive({ path: `/configs/${dir}` });
      } catch (err) {
        if (isEngineNotFound(err) && !isNoSuchContainer(err)) return undefined;
        throw err;
      }
      return filesOfDirectory(archive, dir);
    });
  }

  /**
   * `rm -rf` as root in the running container (argv, no shell; names checked to stay in
   * `/configs`). The engine has no call to delete from a volume, and a stopped workspace's
   * volume is only ever reached by containers that never run: without a running container
   * this fails.
   */
  async removeFromConfigs(workspaceId: string, relPaths: readonly string[]): Promise<void> {
    if (relPaths.length === 0) return;
    const targets = relPaths.map((relPath) => `/configs/${cleanName(relPath)}`);
    const container = this.docker.getContainer(containerName(workspaceId));
    const exec = await container.exec({
      Cmd: ['rm', '-rf', '--', ...targets],
      User: 'root',
      AttachStdout: true,
      AttachStderr: true,
    });
    const output = await exec.start({ hijack: true, stdin: false });
    await new Promise<void>((resolve, reject) => {
      output.on('end', resolve);
      output.on('close', resolve);
      output.on('error', reject);
      output.resume();
    });
    const { ExitCode } = await exec.inspect();
    if (ExitCode !== 0) throw new Error(`rm in ${containerName(workspaceId)} exited ${ExitCode}`);
  }

  async copyToConfigs(workspaceId: string, tar: Readable): Promise<void> {
    // Held in memory: the write may have to go through a second container.
    const chunks: Buffer[] = [];
    for await (const chunk of tar) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    const archive = Buffer.concat(chunks);
    await this.volumes.withConfigs(workspaceId, 'write', (container) =>
      container.putArchive(archive, { path: '/configs' }),
    );
  }

  async ping(): Promise<boolean> {
    try {
      // dockerode takes the signal in the options; its typings only know the callback form.
      await (this.docker.ping as (opts: object) => Promise<unknown>).call(this.docker, {
        abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS),
      });
      return true;
    } catch {
      return false;
    }
  }

  /** Template, then the in-memory files over it (spec 04 §2.7). */
  private async configArchive(spec: WorkspaceStartSpec): Promise<ConfigArchive> {
    const archive = new ConfigArchive();
    if (spec.templatePath) {
      try {
        await archive.addTemplate(spec.templatePath);
      } catch (err) {
        // As the reference: a template that cannot be read leaves the config volume as it is.
        this.logger.warn(
          { workspaceId: spec.workspaceId, err: String(err) },
          'template copy skipped: directory unreadable',
        );
      }
    }
    return archive.addFiles(spec.configFiles);
  }

  /** The claude-code session volume (reset on request) and the named `/workspace` volume. */
  private async prepareExtraVolumes(
    spec: WorkspaceStartSpec,
    binds: readonly string[],
  ): Promise<void> {
    const labels = { ...platformLabels(this.options.scope), [WORKSPACE_LABEL]: spec.workspaceId };
    const tasks: Promise<unknown>[] = [];
    const workspaceVolume = workspaceVolumeName(spec.workspaceId);
    if (binds.some((b) => b.startsWith(`${workspaceVolume}:`))) {
      tasks.push(this.docker.createVolume({ Name: workspaceVolume, Labels: labels }));
    }
    if (spec.runtime === 'claude-code') {
      const session = sessionVolumeName(spec.workspaceId);
      tasks.push(
        (async () => {
          if (spec.resetSession || isGoTrue(spec.env.WORKSPACE_RESET_SESSION)) {
            await this.docker
              .getVolume(session)
              .remove({ force: true })
              .catch((err: unknown) =>
                this.logger.warn(
                  { volume: session, err: daemonMessage(err) },
                  'session reset failed',
                ),
              );
          }
          await this.docker
            .createVolume({ Name: session, Labels: labels })
            .catch((err: unknown) => {
              throw new Error(
                `failed to create claude-sessions volume ${session}: ${daemonMessage(err)}`,
              );
            });
        })(),
      );
    }
    await Promise.all(tasks);
  }

  private async create(
    spec: WorkspaceStartSpec,
    image: string,
    networking: ReturnType<typeof containerNetworking>,
    port: number | undefined,
  ): Promise<Docker.Container> {
    const platform = parseOciPlatform(this.options.imagePlatform);
    try {
      return await this.docker.createContainer({
        // Query and body apart: the environment (secrets) must not travel in the URL.
        _query: {
          name: containerName(spec.workspaceId),
          ...(platform ? { platform: `${platform.os}/${platform.architecture}` } : {}),
        },
        _body: {
          Image: image,
          Env: containerEnv(spec, port !== undefined ? { A2A_PORT: String(port) } : {}),
          Labels: { ...platformLabels(this.options.scope), [WORKSPACE_LABEL]: spec.workspaceId },
          ExposedPorts: networking.exposedPorts,
          HostConfig: networking.hostConfig,
          NetworkingConfig: networking.endpoints
            ? { EndpointsConfig: networking.endpoints }
            : undefined,
        },
      } as unknown as Docker.ContainerCreateOptions);
    } catch (err) {
      if (isImageNotFound(err)) {
        throw new Error(
          `docker image "${image}" not found after pull attempt — verify GHCR visibility for ${runtimeTagFromImage(image)} and that the tenant has internet access (underlying error: ${daemonMessage(err)})`,
        );
      }
      throw new Error(`failed to create container: ${daemonMessage(err)}`);
    }
  }

  /**
   * One archive into the created container's `/configs`. On the host network the agent's
   * port goes into whichever config.yaml it will read: the one written now, else the one
   * already on the volume.
   */
  private async writeConfigs(
    container: Docker.Container,
    archive: ConfigArchive,
    port: number | undefined,
  ): Promise<void> {
    if (port !== undefined) {
      const current =
        archive.file('config.yaml') ?? (await this.readFrom(container, '/configs/config.yaml'));
      const patched = current && withA2aPort(current.toString('utf8'), port);
      if (patched) archive.putFile('config.yaml', Buffer.from(patched, 'utf8'));
      else if (current)
        this.logger.warn({ container: container.id }, 'config.yaml not patched: not a YAML map');
    }
    if (!archive.isEmpty) await container.putArchive(await archive.pack(), { path: '/configs' });
  }

  /** One regular file of a container (running or not); `undefined` when there is none. */
  private async readFrom(container: Docker.Container, path: string): Promise<Buffer | undefined> {
    try {
      return await readSingleFile(await container.getArchive({ path }));
    } catch (err) {
      if (isEngineNotFound(err) && !isNoSuchContainer(err)) return undefined;
      throw err;
    }
  }

  /** The 127.0.0.1 host port the engine published for 8000/tcp (spec 04 §2.5 step 14). */
  private async publishedUrl(container: Docker.Container, workspaceId: string): Promise<string> {
    for (let attempt = 1; attempt <= URL_INSPECT_ATTEMPTS; attempt++) {
      try {
        const info = await container.inspect();
        const binding = info.NetworkSettings?.Ports?.[A2A_CONTAINER_PORT]?.[0];
        if (binding?.HostPort) return `http://${binding.HostIp || '127.0.0.1'}:${binding.HostPort}`;
      } catch (err) {
        this.logger.warn({ workspaceId, err: daemonMessage(err) }, 'container inspect failed');
      }
      if (attempt < URL_INSPECT_ATTEMPTS) await this.sleep(URL_INSPECT_DELAY_MS);
    }
    return internalUrl(workspaceId);
  }

  private async containerIdPrefixes(filters: Record<string, string[]>): Promise<string[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: JSON.stringify(filters),
    });
    return containers.map((c) => idPrefixOf(c.Names)).filter((p): p is string => p !== undefined);
  }

  private async removeQuietly(name: string): Promise<void> {
    await this.docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }
}

/** Reads the engine's base64 JSON path stat: a regular file, not a directory, link or device. */
export function isRegularFile(stat: string | undefined): boolean {
  return parsePathStat(stat)?.kind === 'file';
}
