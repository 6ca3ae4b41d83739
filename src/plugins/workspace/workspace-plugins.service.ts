import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import { Clock } from '../../common/clock/clock';
import { requireOwnTokenIfAny } from '../../common/auth/token-gate';
import {
  badRequest,
  forbidden,
  internalError,
  notFound,
  serviceUnavailable,
} from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { AppConfig } from '../../config/app-config';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { Provisioner } from '../../provisioner/provisioner.port';
import { RestartRequests } from '../../workspaces/lifecycle/restart-requests';
import { PluginCatalog } from '../catalog/plugin-catalog';
import {
  MANIFEST_MAX_BYTES,
  parsePluginManifest,
  PluginInfo,
  supportsRuntime,
} from '../catalog/plugin-manifest';
import { stripPluginBlocks } from '../delivery/claude-md';
import { AGENT_USER, gzipTree, tarFiles, tarTree } from '../delivery/tree-archive';
import { deadlineAfter } from '../staging/fetch-deadline';
import { isValidPluginName } from '../staging/plugin-names';
import { PluginStager, StagedPlugin } from '../staging/plugin-stager';
import { PluginWorkspacesRepository } from './plugin-workspaces.repository';

export interface InstallRequest {
  readonly source: string;
  readonly sha256?: string;
}

export interface PluginDownload {
  readonly name: string;
  readonly source: string;
  readonly archive: Buffer;
}

export interface Compatibility {
  target_runtime: string;
  compatible: PluginInfo[];
  incompatible: PluginInfo[];
  all_compatible: boolean;
}

const NOT_RUNNING = 'workspace container not running';

/**
 * The plugins of one workspace (spec 05 §7.6): what is installed under `/configs/plugins`,
 * install (stage → org allowlist → deliver as the agent user → restart), uninstall and the
 * tar.gz download the runtime pulls.
 */
@Injectable()
export class WorkspacePluginsService implements OnModuleInit {
  private readonly logger = new Logger(WorkspacePluginsService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly backends: ComputeBackends,
    private readonly workspaces: PluginWorkspacesRepository,
    private readonly catalog: PluginCatalog,
    private readonly stager: PluginStager,
    private readonly tokens: WorkspaceTokens,
    private readonly restarts: RestartRequests,
    private readonly clock: Clock,
  ) {}

  /** One line with the limits in force, so an operator can tell why an install was refused. */
  onModuleInit(): void {
    const { pluginInstallBodyMaxBytes, pluginInstallFetchTimeoutMs, pluginInstallMaxDirBytes } =
      this.config;
    this.logger.log(
      `plugin install limits: body ${pluginInstallBodyMaxBytes} bytes, fetch timeout ` +
        `${pluginInstallFetchTimeoutMs} ms, staged tree ${pluginInstallMaxDirBytes} bytes`,
    );
  }

  /** Installed plugins, each marked with whether it supports the workspace's runtime. */
  async listInstalled(workspaceId: string): Promise<PluginInfo[]> {
    const runtime = (await this.requireWorkspace(workspaceId)).runtime ?? '';
    const installed = await this.installed(workspaceId);
    if (runtime === '') return installed;
    return installed.map((plugin) => ({
      ...plugin,
      supported_on_runtime: supportsRuntime(plugin, runtime),
    }));
  }

  /** The registry, filtered by the workspace's runtime (unfiltered when it is unknown). */
  async available(workspaceId: string): Promise<PluginInfo[]> {
    const head = await this.workspaces.head(workspaceId).catch((err: unknown) => {
      this.logger.warn({ err, workspaceId }, 'runtime lookup failed; listing every plugin');
      return undefined;
    });
    return this.catalog.list(head?.runtime ?? undefined);
  }

  async compatibility(workspaceId: string, runtime: string): Promise<Compatibility> {
    if (runtime === '') throw badRequest('runtime query parameter is required');
    await this.requireWorkspace(workspaceId);
    const installed = await this.installed(workspaceId);
    const compatible = installed.filter((p) => supportsRuntime(p, runtime));
    const incompatible = installed.filter((p) => !supportsRuntime(p, runtime));
    return {
      target_runtime: runtime,
      compatible,
      incompatible,
      all_compatible: incompatible.length === 0,
    };
  }

  /** Contract errors as the spec lists them; anything unexpected is `500 plugin install failed`. */
  install(
    workspaceId: string,
    request: InstallRequest,
    cancel?: AbortSignal,
  ): Promise<{ status: 'installed'; plugin: string; source: string }> {
    return orInternalError(
      this.installChecked(workspaceId, request, cancel),
      'plugin install failed',
      this.logger,
    );
  }

  private async installChecked(
    workspaceId: string,
    request: InstallRequest,
    cancel?: AbortSignal,
  ): Promise<{ status: 'installed'; plugin: string; source: string }> {
    await this.requireWorkspace(workspaceId);
    const staged = await this.stageWithDeadline(request.source, request.sha256, cancel);
    try {
      const allowed = await this.workspaces.orgAllows(workspaceId, staged.name).catch((err) => {
        // Fail open, as the reference: the allowlist is a policy aid, not an auth boundary.
        this.logger.warn({ err, workspaceId }, 'org allowlist lookup failed; allowing');
        return true;
      });
      if (!allowed) throw forbidden(`plugin "${staged.name}" is not in the org allowlist`);
      const docker = await this.runningDocker(workspaceId);
      await this.deliver(docker, workspaceId, staged);
    } finally {
      await staged.discard();
    }
    this.restarts.request([workspaceId], `plugin ${staged.name} installed`);
    return { status: 'installed', plugin: staged.name, source: staged.source.raw };
  }

  async uninstall(
    workspaceId: string,
    name: string,
  ): Promise<{ status: 'uninstalled'; plugin: string }> {
    if (!isValidPluginName(name)) throw badRequest('invalid plugin name');
    await this.requireWorkspace(workspaceId);
    const docker = await this.runningDocker(workspaceId);
    const manifest = await docker
      .readConfigFile(workspaceId, `plugins/${name}/plugin.yaml`)
      .catch(() => undefined);
    const skills = (parsePluginManifest(name, manifest?.toString('utf8')).skills ?? []).filter(
      isValidPluginName,
    );
    await this.stripClaudeMd(docker, workspaceId, name);
    try {
      await docker.removeFromConfigs(workspaceId, [
        ...skills.map((skill) => `skills/${skill}`),
        `plugins/${name}`,
      ]);
    } catch (err) {
      this.logger.error({ err, workspaceId, plugin: name }, 'plugin removal failed');
      throw internalError('failed to remove plugin');
    }
    this.restarts.request([workspaceId], `plugin ${name} uninstalled`);
    return { status: 'uninstalled', plugin: name };
  }

  /** Contract errors as the spec lists them; anything unexpected is `500 plugin deliver failed`. */
  download(
    workspaceId: string,
    name: string,
    source: string | undefined,
    authorization: string | string[] | undefined,
    cancel?: AbortSignal,
  ): Promise<PluginDownload> {
    return orInternalError(
      this.downloadChecked(workspaceId, name, source, authorization, cancel),
      'plugin deliver failed',
      this.logger,
    );
  }

  private async downloadChecked(
    workspaceId: string,
    name: string,
    source: string | undefined,
    authorization: string | string[] | undefined,
    cancel?: AbortSignal,
  ): Promise<PluginDownload> {
    if (!isValidPluginName(name)) throw badRequest('invalid plugin name');
    await requireOwnTokenIfAny(this.tokens, workspaceId, authorization);
    const staged = await this.stageWithDeadline(source || `local://${name}`, undefined, cancel);
    try {
      if (staged.name !== name) {
        throw badRequest(`source resolved to plugin "${staged.name}" but URL requested "${name}"`, {
          resolved_name: staged.name,
          requested_name: name,
        });
      }
      // Built whole before the first byte goes out: a failure is a clean JSON 500.
      const archive = await gzipTree(staged.dir).catch((err: unknown) => {
        this.logger.error({ err, plugin: name }, 'packing the plugin failed');
        throw internalError('failed to pack plugin', { plugin: name });
      });
      return { name, source: staged.source.raw, archive };
    } finally {
      await staged.discard();
    }
  }

  /** `resolveAndStage` under `PLUGIN_INSTALL_FETCH_TIMEOUT`. */
  private async stageWithDeadline(
    source: string,
    sha256: string | undefined,
    cancel: AbortSignal | undefined,
  ): Promise<StagedPlugin> {
    const deadline = deadlineAfter(this.clock, this.config.pluginInstallFetchTimeoutMs);
    try {
      return await this.stager.stage({ source, sha256, deadline: deadline.signal, cancel });
    } finally {
      deadline.clear();
    }
  }

  private async requireWorkspace(workspaceId: string) {
    const head = await orInternalError(
      this.workspaces.head(workspaceId),
      'lookup failed',
      this.logger,
    );
    if (!head) throw notFound('workspace not found');
    return head;
  }

  /** Reads `/configs/plugins/*` (container, else volume); no backend or no volume → `[]`. */
  private async installed(workspaceId: string): Promise<PluginInfo[]> {
    const docker = this.backends.docker;
    if (!docker) return [];
    const files = await orInternalError(
      docker.listConfigFiles(workspaceId, 'plugins'),
      'failed to list installed plugins',
      this.logger,
    );
    const names = [...new Set((files ?? []).map((file) => file.split('/')[1] ?? ''))]
      .filter(isValidPluginName)
      .sort();
    const plugins: PluginInfo[] = [];
    for (const name of names) {
      const manifest = await docker
        .readConfigFile(workspaceId, `plugins/${name}/plugin.yaml`)
        .catch(() => undefined);
      const text =
        manifest && manifest.length <= MANIFEST_MAX_BYTES ? manifest.toString('utf8') : undefined;
      plugins.push(parsePluginManifest(name, text));
    }
    return plugins;
  }

  private async runningDocker(workspaceId: string): Promise<Provisioner> {
    const docker = this.backends.docker;
    if (!docker || !(await docker.isRunning(workspaceId))) throw serviceUnavailable(NOT_RUNNING);
    return docker;
  }

  /** Replaces `/configs/plugins/<name>` with the staged tree, owned by the agent user. */
  private async deliver(docker: Provisioner, workspaceId: string, staged: StagedPlugin) {
    try {
      await docker.removeFromConfigs(workspaceId, [`plugins/${staged.name}`]);
      await docker.copyToConfigs(
        workspaceId,
        tarTree(staged.dir, `plugins/${staged.name}/`, AGENT_USER),
      );
    } catch (err) {
      this.logger.error({ err, workspaceId, plugin: staged.name }, 'plugin delivery failed');
      throw internalError('failed to copy plugin to container');
    }
  }

  /** Best effort, as in the reference: a failure leaves CLAUDE.md as it was. */
  private async stripClaudeMd(docker: Provisioner, workspaceId: string, name: string) {
    try {
      const current = await docker.readConfigFile(workspaceId, 'CLAUDE.md');
      if (!current) return;
      const text = current.toString('utf8');
      const stripped = stripPluginBlocks(text, name);
      if (stripped === text) return;
      await docker.copyToConfigs(workspaceId, tarFiles({ 'CLAUDE.md': stripped }, AGENT_USER));
    } catch (err) {
      this.logger.warn(
        { err, workspaceId, plugin: name },
        'could not strip the plugin from CLAUDE.md',
      );
    }
  }
}
