import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import * as tar from 'tar-stream';
import { parse } from 'yaml';
import { SystemClock } from '../../src/common/clock/clock';
import {
  DockerProvisioner,
  DockerProvisionerOptions,
} from '../../src/provisioner/docker/docker-provisioner';
import { WorkspaceStartSpec } from '../../src/provisioner/provisioner.port';
import { quietLogs } from '../support/unit';
import {
  configsTree,
  configsTreeAt,
  removeScope,
  describeDocker,
  fetchWhenListening,
  ensureStandInImage,
  TEST_IMAGE_REGISTRY,
  testDocker,
  useDockerScope,
} from './support';

const TIER_LIMITS = {
  2: { memoryMb: 512, cpuShares: 1024 },
  3: { memoryMb: 2048, cpuShares: 2048 },
  4: { memoryMb: 4096, cpuShares: 4096 },
};

describeDocker('DockerProvisioner against a real engine', () => {
  quietLogs();
  const scope = useDockerScope();
  const options = (over: Partial<DockerProvisionerOptions> = {}): DockerProvisionerOptions => ({
    network: 'host',
    imageRegistry: TEST_IMAGE_REGISTRY,
    imagePlatform: '',
    tierLimits: TIER_LIMITS,
    scope: scope.scope,
    ...over,
  });
  const docker = testDocker();
  const provisioner = new DockerProvisioner(docker, options(), new SystemClock());
  const spec = (over: Partial<WorkspaceStartSpec> = {}): WorkspaceStartSpec => ({
    workspaceId: randomUUID(),
    name: 'Stand-in',
    tier: 2,
    runtime: 'langgraph',
    // Nothing listens there: these tests look at the container, not at registration.
    platformUrl: 'http://127.0.0.1:9',
    env: {},
    ...over,
  });
  const container = (id: string) => docker.getContainer(`ws-${id.slice(0, 12)}`);
  const volume = (id: string) => docker.getVolume(`ws-${id.slice(0, 12)}-configs`);

  beforeAll(async () => {
    await ensureStandInImage({ runtimes: ['langgraph', 'claude-code'] });
  }, 120_000);

  describe('start', () => {
    it('creates a labelled container on a loopback port with the files in /configs before it starts', async () => {
      const s = spec({
        env: { OPENAI_API_KEY: 'sk-test', PYTHONPATH: '/custom' },
        configFiles: {
          'config.yaml': 'name: "Stand-in"\nruntime: langgraph\n',
          '.auth_token': 'token-plaintext',
          '.platform_inbound_secret': 'inbound-secret',
        },
        awareness: { url: 'http://127.0.0.1:7', namespace: 'workspace:x' },
      });
      const url = await provisioner.start(s);
      const port = Number(/^http:\/\/127\.0\.0\.1:(\d+)$/.exec(url)?.[1]);
      expect(port).toBeGreaterThan(0);

      const info = await container(s.workspaceId).inspect();
      expect(info.State.Running).toBe(true);
      expect(info.Config.Image).toBe('molecule-test/workspace-template-langgraph:latest');
      expect(info.Config.Labels).toMatchObject({
        'molecule.platform.managed': 'true',
        'molecule.platform.scope': scope.scope,
        'molecule.workspace.id': s.workspaceId,
      });
      const env = info.Config.Env.filter(
        (e) => !e.startsWith('PATH=') && !e.startsWith('STAND_IN'),
      );
      expect(env).toEqual([
        `WORKSPACE_ID=${s.workspaceId}`,
        'WORKSPACE_CONFIG_PATH=/configs',
        'PLATFORM_URL=http://127.0.0.1:9',
        'MOLECULE_URL=http://127.0.0.1:9',
        'TIER=2',
        'PLUGINS_DIR=/plugins',
        'PYTHONPATH=/app',
        'AWARENESS_NAMESPACE=workspace:x',
        'AWARENESS_URL=http://127.0.0.1:7',
        'OPENAI_API_KEY=sk-test',
        'PYTHONPATH=/custom',
        `A2A_PORT=${port}`,
      ]);
      expect(info.Config.Env.join('\n')).not.toContain('token-plaintext');
      expect(info.HostConfig).toMatchObject({
        NetworkMode: 'host',
        RestartPolicy: { Name: 'unless-stopped' },
        Memory: 512 * 1024 * 1024,
        NanoCpus: 1_000_000_000,
        Privileged: false,
        Binds: [
          `ws-${s.workspaceId.slice(0, 12)}-configs:/configs`,
          `ws-${s.workspaceId}-workspace:/workspace`,
        ],
      });

      const vol = await volume(s.workspaceId).inspect();
      expect(vol.Labels).toMatchObject({
        'molecule.platform.managed': 'true',
        'molecule.platform.scope': scope.scope,
        'molecule.platform.image': 'molecule-test/workspace-template-langgraph:latest',
      });

      const tree = await configsTree(container(s.workspaceId));
      expect(tree.get('.auth_token')).toMatchObject({ mode: 0o600, content: 'token-plaintext' });
      expect(tree.get('.platform_inbound_secret')).toMatchObject({
        mode: 0o600,
        content: 'inbound-secret',
      });
      expect(tree.get('config.yaml')?.mode).toBe(0o644);
      expect(parse(tree.get('config.yaml')!.content)).toEqual({
        name: 'Stand-in',
        runtime: 'langgraph',
        a2a: { port },
      });

      // The agent read its port from there and listens on loopback.
      const health = await fetchWhenListening(`${url}/health`);
      expect(health.status).toBe(200);
    });

    it('copies a template (modes kept, CRLF scripts fixed) under the in-memory files', async () => {
      const template = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-template-'));
      try {
        fs.writeFileSync(path.join(template, 'config.yaml'), 'name: from-template\n');
        fs.mkdirSync(path.join(template, 'skills', 'echo'), { recursive: true });
        fs.writeFileSync(
          path.join(template, 'skills', 'echo', 'run.sh'),
          '#!/bin/sh\r\necho hi\r\n',
          {
            mode: 0o755,
          },
        );
        fs.writeFileSync(path.join(template, 'notes.txt'), 'keep\r\n');
        fs.writeFileSync(path.join(template, 'system-prompt.md'), 'be kind\r\n');
        const s = spec({
          templatePath: template,
          configFiles: { '.auth_token': 't', 'nested/deeper/file.txt': 'x' },
        });
        const url = await provisioner.start(s);
        const port = Number(new URL(url).port);

        const tree = await configsTree(container(s.workspaceId));
        expect(tree.get('skills/echo/run.sh')).toMatchObject({
          mode: 0o755,
          content: '#!/bin/sh\necho hi\n',
        });
        expect(tree.get('skills')?.type).toBe('directory');
        expect(tree.get('notes.txt')?.content).toBe('keep\r\n');
        expect(tree.get('system-prompt.md')?.content).toBe('be kind\n');
        expect(tree.get('nested/deeper')?.type).toBe('directory');
        expect(tree.get('nested/deeper/file.txt')).toMatchObject({ mode: 0o644, content: 'x' });
        expect(parse(tree.get('config.yaml')!.content)).toEqual({
          name: 'from-template',
          a2a: { port },
        });
      } finally {
        fs.rmSync(template, { recursive: true, force: true });
      }
    });

    it('on restart patches the port into the config.yaml already on the volume', async () => {
      const s = spec({
        configFiles: { 'config.yaml': '# kept\nname: x\n', '.auth_token': 'first' },
      });
      await provisioner.start(s);
      const again = await provisioner.start({ ...s, configFiles: undefined });
      const port = Number(new URL(again).port);

      const tree = await configsTree(container(s.workspaceId));
      expect(tree.get('.auth_token')?.content).toBe('first');
      expect(tree.get('config.yaml')?.content).toBe(`# kept\nname: x\na2a:\n  port: ${port}\n`);
      expect((await container(s.workspaceId).inspect()).State.Running).toBe(true);
    });

    it('applies the tier rules to the host config', async () => {
      const sandboxed = spec({ tier: 1 });
      await provisioner.start(sandboxed);
      const t1 = (await container(sandboxed.workspaceId).inspect()).HostConfig;
      expect(t1).toMatchObject({
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,noexec,nosuid,size=64m' },
        Binds: [`ws-${sandboxed.workspaceId.slice(0, 12)}-configs:/configs`],
        Memory: 0,
        Privileged: false,
      });

      const capped = new DockerProvisioner(
        docker,
        options({ tierLimits: { ...TIER_LIMITS, 2: { memoryMb: 768, cpuShares: 512 } } }),
        new SystemClock(),
      );
      const overridden = spec({ tier: 0 });
      await capped.start(overridden);
      expect((await container(overridden.workspaceId).inspect()).HostConfig).toMatchObject({
        Memory: 768 * 1024 * 1024,
        NanoCpus: 500_000_000,
        Privileged: false,
        ReadonlyRootfs: false,
      });
    });

    it('recreates the claude-code session volume on reset, labelled', async () => {
      const s = spec({ runtime: 'claude-code' });
      await provisioner.start(s);
      const session = docker.getVolume(`ws-${s.workspaceId.slice(0, 12)}-claude-sessions`);
      expect((await session.inspect()).Labels).toMatchObject({
        'molecule.platform.scope': scope.scope,
      });
      await container(s.workspaceId).putArchive(tarOf({ 'marker.txt': 'old session' }), {
        path: '/root/.claude/sessions',
      });
      await provisioner.start(s);
      const kept = await configsTreeAt(container(s.workspaceId), '/root/.claude/sessions');
      expect(kept.has('marker.txt')).toBe(true);

      await provisioner.start({ ...s, resetSession: true });
      const reset = await configsTreeAt(container(s.workspaceId), '/root/.claude/sessions');
      expect(reset.has('marker.txt')).toBe(false);
      expect((await container(s.workspaceId).inspect()).HostConfig.Binds).toContain(
        `ws-${s.workspaceId.slice(0, 12)}-claude-sessions:/root/.claude/sessions`,
      );
    });

    it('removes a container the engine cannot mount, and says why', async () => {
      // A file bound over the image's /workspace directory: create succeeds; mounting (for the
      // /configs write, or the start) fails.
      const s = spec({ workspaceDir: '/etc/hostname', workspaceAccess: 'read_only' });
      await expect(provisioner.start(s)).rejects.toThrow(
        /^failed to (write \/configs|start container): .*not a directory/,
      );
      await expect(container(s.workspaceId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    });

    it('fails with the pull hint when the image is nowhere, leaving no container', async () => {
      const nowhere = new DockerProvisioner(
        docker,
        // A registry on a closed loopback port: the pull fails here, nothing leaves the machine.
        options({ imageRegistry: '127.0.0.1:9/missing' }),
        new SystemClock(),
      );
      const s = spec({ runtime: 'hermes' });
      await expect(nowhere.start(s)).rejects.toThrow(
        /^docker image "127\.0\.0\.1:9\/missing\/workspace-template-hermes:latest" not found after pull attempt — verify GHCR visibility for hermes/,
      );
      await expect(container(s.workspaceId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    });
  });

  describe('stop and isRunning', () => {
    it('force-removes the container; a missing container is already stopped', async () => {
      const s = spec();
      await provisioner.start(s);
      expect(await provisioner.isRunning(s.workspaceId)).toBe(true);
      // Concurrent stops race inside the daemon ("removal already in progress"): both are done.
      await Promise.all([provisioner.stop(s.workspaceId), provisioner.stop(s.workspaceId)]);
      await expect(container(s.workspaceId).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect(await provisioner.isRunning(s.workspaceId)).toBe(false);
      await expect(provisioner.stop(s.workspaceId)).resolves.toBeUndefined();
      // The volume outlives the container.
      await expect(volume(s.workspaceId).inspect()).resolves.toBeDefined();
    });

    it('says "running" when the engine cannot be asked', async () => {
      const unreachable = new DockerProvisioner(
        new Docker({ socketPath: '/nonexistent/docker.sock' }),
        options(),
        new SystemClock(),
      );
      expect(await unreachable.isRunning(randomUUID())).toBe(true);
      expect(await unreachable.ping()).toBe(false);
      expect(await provisioner.ping()).toBe(true);
      await expect(unreachable.stop(randomUUID())).rejects.toThrow(/^force-remove ws-/);
    });
  });

  describe('removeVolume', () => {
    it('removes the config, session and workspace volumes; twice is fine', async () => {
      const s = spec({ runtime: 'claude-code' });
      await provisioner.start(s);
      await provisioner.stop(s.workspaceId);
      await provisioner.removeVolume(s.workspaceId);
      for (const name of [
        `ws-${s.workspaceId.slice(0, 12)}-configs`,
        `ws-${s.workspaceId.slice(0, 12)}-claude-sessions`,
        `ws-${s.workspaceId}-workspace`,
      ]) {
        await expect(docker.getVolume(name).inspect()).rejects.toMatchObject({ statusCode: 404 });
      }
      await expect(provisioner.removeVolume(s.workspaceId)).resolves.toBeUndefined();
    });

    it('fails while a container still uses the config volume', async () => {
      const s = spec();
      await provisioner.start(s);
      await expect(provisioner.removeVolume(s.workspaceId)).rejects.toThrow(
        `failed to remove volume ws-${s.workspaceId.slice(0, 12)}-configs:`,
      );
    });
  });

  describe('lists', () => {
    it('lists id prefixes by name and by label, only within the scope', async () => {
      const mine = spec();
      await provisioner.start(mine);
      await provisioner.stop(mine.workspaceId);
      const stopped = spec();
      await provisioner.start(stopped);
      await container(stopped.workspaceId).stop({ t: 0 });

      const other = useOtherScope();
      const theirs = spec();
      await other.provisioner.start(theirs);

      // A `ws-` container of this scope without the managed label (say, made by hand).
      const unmanagedId = randomUUID();
      const unmanaged = await docker.createContainer({
        name: `ws-${unmanagedId.slice(0, 12)}`,
        Image: 'molecule-test/workspace-template-langgraph:latest',
        Labels: { 'molecule.platform.scope': scope.scope },
        HostConfig: { NetworkMode: 'none' },
      });
      try {
        const byName = await provisioner.listWorkspaceContainerIdPrefixes();
        const byLabel = await provisioner.listManagedContainerIdPrefixes();
        expect(byName).toContain(stopped.workspaceId.slice(0, 12));
        expect(byName).toContain(unmanagedId.slice(0, 12));
        expect(byName).not.toContain(mine.workspaceId.slice(0, 12));
        expect(byName).not.toContain(theirs.workspaceId.slice(0, 12));
        expect(byLabel).toContain(stopped.workspaceId.slice(0, 12));
        expect(byLabel).not.toContain(unmanagedId.slice(0, 12));
        expect(byLabel).not.toContain(theirs.workspaceId.slice(0, 12));
        expect(await other.provisioner.listManagedContainerIdPrefixes()).toEqual([
          theirs.workspaceId.slice(0, 12),
        ]);
      } finally {
        await unmanaged.remove({ force: true });
        await other.cleanup();
      }
    });
  });

  describe('/configs without the agent', () => {
    it('reads, probes and writes through the running container', async () => {
      const s = spec({ configFiles: { 'config.yaml': 'name: x\n', '.auth_token': 'tok' } });
      await provisioner.start(s);
      expect((await provisioner.readConfigFile(s.workspaceId, '.auth_token'))?.toString()).toBe(
        'tok',
      );
      expect(await provisioner.readConfigFile(s.workspaceId, 'missing.txt')).toBeUndefined();
      expect(await provisioner.configVolumeHasFile(s.workspaceId, 'config.yaml')).toBe(true);
      expect(await provisioner.configVolumeHasFile(s.workspaceId, 'missing.txt')).toBe(false);

      await provisioner.copyToConfigs(
        s.workspaceId,
        tarOf({ 'plugins/p/plugin.yaml': 'name: p\n' }),
      );
      expect(
        (await provisioner.readConfigFile(s.workspaceId, 'plugins/p/plugin.yaml'))?.toString(),
      ).toBe('name: p\n');
      expect(await provisioner.configVolumeHasFile(s.workspaceId, 'plugins/p')).toBe(false);
      await expect(provisioner.readConfigFile(s.workspaceId, '../etc/passwd')).rejects.toThrow(
        /outside \/configs/,
      );
    });

    it('reaches the volume with no container at all, leaving no helper behind', async () => {
      const s = spec({ configFiles: { 'config.yaml': 'name: x\n', '.auth_token': 'tok' } });
      await provisioner.start(s);
      await provisioner.stop(s.workspaceId);

      expect((await provisioner.readConfigFile(s.workspaceId, 'config.yaml'))?.toString()).toBe(
        (await provisioner.readConfigFile(s.workspaceId, 'config.yaml'))?.toString(),
      );
      expect((await provisioner.readConfigFile(s.workspaceId, '.auth_token'))?.toString()).toBe(
        'tok',
      );
      expect(await provisioner.configVolumeHasFile(s.workspaceId, '.auth_token')).toBe(true);
      expect(await provisioner.configVolumeHasFile(s.workspaceId, 'nope')).toBe(false);
      await provisioner.copyToConfigs(s.workspaceId, tarOf({ 'added.md': 'hello' }));
      expect((await provisioner.readConfigFile(s.workspaceId, 'added.md'))?.toString()).toBe(
        'hello',
      );

      const helpers = await docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: [`molecule.workspace.id=${s.workspaceId}`] }),
      });
      expect(helpers).toEqual([]);
    });

    it('lists the files of a /configs directory and removes paths as root while running', async () => {
      const s = spec({ configFiles: { 'config.yaml': 'name: x\n', 'keep.md': 'k' } });
      await provisioner.start(s);
      expect(await provisioner.listConfigFiles(s.workspaceId, 'plugins')).toBeUndefined();
      await provisioner.copyToConfigs(
        s.workspaceId,
        tarOf({
          'plugins/a/plugin.yaml': 'name: a\n',
          'plugins/a/skills/x/SKILL.md': '# x\n',
          'plugins/b/plugin.yaml': 'name: b\n',
        }),
      );
      expect(await provisioner.listConfigFiles(s.workspaceId, 'plugins')).toEqual([
        'plugins/a/plugin.yaml',
        'plugins/a/skills/x/SKILL.md',
        'plugins/b/plugin.yaml',
      ]);
      expect(await provisioner.listConfigFiles(s.workspaceId, 'keep.md')).toBeUndefined();

      await provisioner.removeFromConfigs(s.workspaceId, ['plugins/a', 'plugins/not-there']);
      expect(await provisioner.listConfigFiles(s.workspaceId, 'plugins')).toEqual([
        'plugins/b/plugin.yaml',
      ]);
      expect((await provisioner.readConfigFile(s.workspaceId, 'keep.md'))?.toString()).toBe('k');
      await expect(provisioner.removeFromConfigs(s.workspaceId, ['../etc'])).rejects.toThrow(
        /outside \/configs/,
      );

      // Stopped: the volume is still listed, but nothing can be removed from it.
      await provisioner.stop(s.workspaceId);
      expect(await provisioner.listConfigFiles(s.workspaceId, 'plugins')).toEqual([
        'plugins/b/plugin.yaml',
      ]);
      await expect(provisioner.removeFromConfigs(s.workspaceId, ['plugins/b'])).rejects.toThrow();
      expect(await provisioner.listConfigFiles(randomUUID(), 'plugins')).toBeUndefined();
    });

    it('never creates a volume to answer a read; a write creates it labelled', async () => {
      const id = randomUUID();
      expect(await provisioner.readConfigFile(id, 'config.yaml')).toBeUndefined();
      expect(await provisioner.configVolumeHasFile(id, 'config.yaml')).toBe(false);
      await expect(volume(id).inspect()).rejects.toMatchObject({ statusCode: 404 });

      await provisioner.copyToConfigs(id, tarOf({ 'config.yaml': 'name: new\n' }));
      expect((await volume(id).inspect()).Labels).toMatchObject({
        'molecule.platform.managed': 'true',
        'molecule.platform.scope': scope.scope,
      });
      expect((await provisioner.readConfigFile(id, 'config.yaml'))?.toString()).toBe('name: new\n');
    });
  });

  /** A second platform on the same engine. */
  function useOtherScope() {
    const otherScope = `${scope.scope}-other`;
    return {
      provisioner: new DockerProvisioner(docker, options({ scope: otherScope }), new SystemClock()),
      cleanup: () => removeScope(otherScope),
    };
  }
});

function tarOf(files: Record<string, string>): Readable {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o644 }, content);
  pack.finalize();
  return pack as unknown as Readable;
}
