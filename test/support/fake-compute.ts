import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import {
  CPProvisioner,
  Provisioner,
  WorkspaceStartSpec,
} from '../../src/provisioner/provisioner.port';

type Interceptor = (workspaceId: string) => void | Promise<void>;

/** `ws-<id12>`'s id prefix, as the Docker adapter derives it from a container name. */
const prefixOf = (workspaceId: string) => workspaceId.slice(0, 12);

/**
 * An in-memory Docker engine for tests: containers and config volumes are map entries, every
 * call is logged, and any method can be intercepted (to fail, hang, or hold a call at a gate).
 */
export class FakeDocker extends Provisioner {
  readonly calls: string[] = [];
  readonly containers = new Map<
    string,
    { running: boolean; spec: WorkspaceStartSpec; unlabelled?: boolean }
  >();
  /** Config volumes: workspace id → path under `/configs` → content. */
  readonly volumes = new Map<string, Map<string, Buffer>>();
  /** `<workspace id>:<path>` → `uid:gid mode` of the files `copyToConfigs` extracted. */
  readonly owners = new Map<string, string>();
  /** The URL `start` answers with; tests that need a reachable agent set their own. */
  urlFor: (spec: WorkspaceStartSpec) => string = () => 'http://127.0.0.1:1';
  reachable = true;
  private readonly interceptors = new Map<string, Interceptor>();

  /** Runs `fn` at the start of every call of `method` (throw to fail it, await to hold it). */
  intercept(method: keyof Provisioner, fn: Interceptor): void {
    this.interceptors.set(method, fn);
  }

  clearInterceptors(): void {
    this.interceptors.clear();
  }

  async start(spec: WorkspaceStartSpec): Promise<string> {
    await this.enter('start', spec.workspaceId);
    const volume = this.volume(spec.workspaceId);
    for (const [name, content] of Object.entries(spec.configFiles ?? {}))
      volume.set(name, Buffer.from(content));
    this.containers.set(spec.workspaceId, { running: true, spec });
    return this.urlFor(spec);
  }

  /** Like the engine, addressed by `ws-<id12>`: a 12-character prefix names the same container. */
  async stop(workspaceId: string): Promise<void> {
    await this.enter('stop', workspaceId);
    for (const id of this.named(this.containers, workspaceId)) this.containers.delete(id);
  }

  async isRunning(workspaceId: string): Promise<boolean> {
    await this.enter('isRunning', workspaceId);
    return this.containers.get(workspaceId)?.running ?? false;
  }

  async removeVolume(workspaceId: string): Promise<void> {
    await this.enter('removeVolume', workspaceId);
    for (const id of this.named(this.volumes, workspaceId)) this.volumes.delete(id);
  }

  async listWorkspaceContainerIdPrefixes(): Promise<string[]> {
    await this.enter('listWorkspaceContainerIdPrefixes', '');
    return [...this.containers.keys()].map(prefixOf);
  }

  async listManagedContainerIdPrefixes(): Promise<string[]> {
    await this.enter('listManagedContainerIdPrefixes', '');
    return [...this.containers].filter(([, c]) => !c.unlabelled).map(([id]) => prefixOf(id));
  }

  async readConfigFile(workspaceId: string, relPath: string): Promise<Buffer | undefined> {
    await this.enter('readConfigFile', workspaceId);
    return this.volumes.get(workspaceId)?.get(relPath);
  }

  async configVolumeHasFile(workspaceId: string, relPath: string): Promise<boolean> {
    await this.enter('configVolumeHasFile', workspaceId);
    return this.volumes.get(workspaceId)?.has(relPath) ?? false;
  }

  async copyToConfigs(workspaceId: string, archive: Readable): Promise<void> {
    await this.enter('copyToConfigs', workspaceId);
    const volume = this.volume(workspaceId);
    const extract = tar.extract();
    archive.pipe(extract);
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const name = entry.header.name.replace(/^\.?\/+/, '');
      if (entry.header.type !== 'file') continue;
      volume.set(name, Buffer.concat(chunks));
      const { uid, gid, mode } = entry.header;
      this.owners.set(`${workspaceId}:${name}`, `${uid}:${gid} ${(mode ?? 0).toString(8)}`);
    }
  }

  async listConfigFiles(workspaceId: string, relDir: string): Promise<string[] | undefined> {
    await this.enter('listConfigFiles', workspaceId);
    const volume = this.volumes.get(workspaceId);
    if (!volume) return undefined;
    const prefix = relDir === '' || relDir === '.' ? '' : `${relDir.replace(/\/+$/, '')}/`;
    const files = [...volume.keys()].filter((name) => name.startsWith(prefix)).sort();
    return files.length > 0 ? files : undefined;
  }

  async removeFromConfigs(workspaceId: string, relPaths: readonly string[]): Promise<void> {
    await this.enter('removeFromConfigs', workspaceId);
    if (!this.containers.get(workspaceId)?.running) throw new Error('container is not running');
    const volume = this.volumes.get(workspaceId);
    for (const relPath of relPaths) {
      for (const name of [...(volume?.keys() ?? [])]) {
        if (name === relPath || name.startsWith(`${relPath}/`)) volume?.delete(name);
      }
    }
  }

  async ping(): Promise<boolean> {
    await this.enter('ping', '');
    return this.reachable;
  }

  /**
   * A container (and config volume) the platform did not start in this test: a leftover of
   * a wiped database, or — `unlabelled` — another stack's on a shared engine.
   */
  plant(workspaceId: string, options: { running?: boolean; unlabelled?: boolean } = {}): void {
    const spec = {
      workspaceId,
      name: workspaceId,
      tier: 1,
      runtime: 'langgraph',
      platformUrl: '',
      env: {},
    };
    this.containers.set(workspaceId, {
      running: options.running ?? true,
      spec,
      unlabelled: options.unlabelled,
    });
    this.volume(workspaceId);
  }

  /** Simulates a container that died behind the platform's back. */
  kill(workspaceId: string): void {
    const container = this.containers.get(workspaceId);
    if (container) container.running = false;
  }

  private named(entries: Map<string, unknown>, workspaceId: string): string[] {
    return [...entries.keys()].filter((id) => prefixOf(id) === prefixOf(workspaceId));
  }

  private volume(workspaceId: string): Map<string, Buffer> {
    let volume = this.volumes.get(workspaceId);
    if (!volume) this.volumes.set(workspaceId, (volume = new Map()));
    return volume;
  }

  private async enter(method: keyof Provisioner, workspaceId: string): Promise<void> {
    this.calls.push(workspaceId ? `${method} ${workspaceId}` : method);
    await this.interceptors.get(method)?.(workspaceId);
  }
}

/** An in-memory control plane: one "instance" per started workspace. */
export class FakeControlPlane extends CPProvisioner {
  readonly calls: string[] = [];
  readonly instances = new Map<string, { running: boolean; spec: WorkspaceStartSpec }>();
  consoleOutput = '';
  /** What `ping()` answers. */
  reachable = true;
  private readonly interceptors = new Map<string, Interceptor>();

  intercept(method: keyof CPProvisioner, fn: Interceptor): void {
    this.interceptors.set(method, fn);
  }

  async start(spec: WorkspaceStartSpec): Promise<string> {
    await this.enter('start', spec.workspaceId);
    this.instances.set(spec.workspaceId, { running: true, spec });
    return `i-${prefixOf(spec.workspaceId)}`;
  }

  async stop(workspaceId: string): Promise<void> {
    await this.enter('stop', workspaceId);
    this.instances.delete(workspaceId);
  }

  async isRunning(workspaceId: string): Promise<boolean> {
    await this.enter('isRunning', workspaceId);
    return this.instances.get(workspaceId)?.running ?? false;
  }

  async getConsoleOutput(workspaceId: string): Promise<string> {
    await this.enter('getConsoleOutput', workspaceId);
    return this.consoleOutput;
  }

  async ping(): Promise<boolean> {
    await this.enter('ping', '');
    return this.reachable;
  }

  private async enter(method: keyof CPProvisioner, workspaceId: string): Promise<void> {
    this.calls.push(`${method} ${workspaceId}`);
    await this.interceptors.get(method)?.(workspaceId);
  }
}
