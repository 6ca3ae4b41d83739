import { Logger } from '@nestjs/common';
import type Docker from 'dockerode';
import { mock, MockProxy } from 'jest-mock-extended';
import { Readable } from 'node:stream';
import { FakeClock } from '../../../test/support/fake-clock';
import { quietLogs } from '../../../test/support/unit';
import { DockerProvisioner, isRegularFile } from './docker-provisioner';

const ID = 'abc123def456-1111-2222-3333-444455556666';
const engineError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), {
    statusCode,
    json: { message },
  });

/**
 * The adapter's decisions against a scripted engine (the real engine is exercised in
 * test/docker/): call order, error mapping, cleanup.
 */
describe('DockerProvisioner', () => {
  quietLogs();
  let docker: MockProxy<Docker>;
  let container: MockProxy<Docker.Container>;
  let volume: MockProxy<Docker.Volume>;
  let calls: string[];
  let provisioner: DockerProvisioner;

  beforeEach(() => {
    calls = [];
    docker = mock<Docker>();
    container = mock<Docker.Container>();
    volume = mock<Docker.Volume>();
    const image = mock<Docker.Image>();
    const log =
      (name: string, result?: unknown) =>
      async (...args: unknown[]) => {
        calls.push(
          `${name}${args[0] && typeof args[0] === 'object' && 'force' in args[0] ? '(force)' : ''}`,
        );
        return result;
      };
    docker.getContainer.mockReturnValue(container);
    docker.getVolume.mockReturnValue(volume);
    docker.getImage.mockReturnValue(image);
    image.inspect.mockImplementation(log('image.inspect', {}) as never);
    docker.createVolume.mockImplementation(log('volume.create', {}) as never);
    docker.createContainer.mockImplementation(log('container.create', container) as never);
    container.remove.mockImplementation(log('container.remove') as never);
    container.putArchive.mockImplementation(log('container.putArchive') as never);
    container.start.mockImplementation(log('container.start') as never);
    container.inspect.mockImplementation(
      log('container.inspect', {
        NetworkSettings: { Ports: { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }] } },
      }) as never,
    );
    volume.remove.mockImplementation(log('volume.remove') as never);
    provisioner = new DockerProvisioner(
      docker,
      {
        network: 'molecule-monorepo-net',
        imageRegistry: 'ghcr.io/molecule-ai',
        imagePlatform: '',
        tierLimits: {
          2: { memoryMb: 512, cpuShares: 1024 },
          3: { memoryMb: 2048, cpuShares: 2048 },
          4: { memoryMb: 4096, cpuShares: 4096 },
        },
        scope: '',
      },
      new FakeClock(),
    );
    // The bridge network exists.
    const network = mock<Docker.Network>();
    network.inspect.mockResolvedValue({} as never);
    docker.getNetwork.mockReturnValue(network);
  });

  const spec = {
    workspaceId: ID,
    name: 'w',
    tier: 2,
    runtime: 'langgraph',
    platformUrl: 'http://p',
    env: {},
  };

  describe('start', () => {
    it('writes /configs into the created container before starting it, and returns the published port', async () => {
      const url = await provisioner.start({ ...spec, configFiles: { '.auth_token': 't' } });
      expect(url).toBe('http://127.0.0.1:49153');
      const created = calls.indexOf('container.create');
      expect(calls.indexOf('container.remove(force)')).toBeLessThan(created);
      expect(calls.slice(created)).toEqual([
        'container.create',
        'container.putArchive',
        'container.start',
        'container.inspect',
      ]);
      const [options] = docker.createContainer.mock.calls[0] as unknown as [
        { _query: object; _body: { Env: string[]; HostConfig: object } },
      ];
      expect(options._query).toEqual({ name: 'ws-abc123def456' });
      expect(options._body.Env.join()).not.toContain('AUTH_TOKEN');
    });

    it('writes nothing when there is nothing to write', async () => {
      await provisioner.start(spec);
      expect(calls).not.toContain('container.putArchive');
    });

    it('falls back to the internal URL when no port was published', async () => {
      container.inspect.mockResolvedValue({ NetworkSettings: { Ports: {} } } as never);
      const clock = provisioner['clock'] as FakeClock;
      const started = provisioner.start(spec);
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setImmediate(r));
        clock.advance(500);
      }
      expect(await started).toBe('http://ws-abc123def456:8000');
      expect(container.inspect).toHaveBeenCalledTimes(3);
    });

    it('a start the engine refuses removes the container and says so', async () => {
      container.start.mockRejectedValue(engineError(500, 'OCI runtime create failed'));
      await expect(provisioner.start(spec)).rejects.toThrow(
        'failed to start container: OCI runtime create failed',
      );
      expect(calls.slice(-1)).toEqual(['container.remove(force)']);
    });

    it('a failed /configs write removes the container and never starts it', async () => {
      container.putArchive.mockRejectedValue(engineError(500, 'no space left on device'));
      await expect(provisioner.start({ ...spec, configFiles: { a: 'b' } })).rejects.toThrow(
        'failed to write /configs: no space left on device',
      );
      expect(container.start).not.toHaveBeenCalled();
      expect(calls.slice(-1)).toEqual(['container.remove(force)']);
    });

    it('names the image and the runtime when the image is missing', async () => {
      docker.createContainer.mockRejectedValue(engineError(404, 'No such image: x'));
      docker.pull.mockRejectedValue(new Error('unauthorized'));
      await expect(provisioner.start({ ...spec, runtime: 'hermes' })).rejects.toThrow(
        'docker image "ghcr.io/molecule-ai/workspace-template-hermes:latest" not found after pull attempt — verify GHCR visibility for hermes and that the tenant has internet access (underlying error: No such image: x)',
      );
    });

    it('any other create failure is "failed to create container"', async () => {
      docker.createContainer.mockRejectedValue(engineError(409, 'Conflict. The name is in use'));
      await expect(provisioner.start(spec)).rejects.toThrow(
        'failed to create container: Conflict. The name is in use',
      );
    });

    it('a config volume that cannot be created stops the start before any container', async () => {
      docker.createVolume.mockRejectedValue(engineError(500, 'disk full'));
      await expect(provisioner.start(spec)).rejects.toThrow(
        'failed to create config volume ws-abc123def456-configs: disk full',
      );
      expect(docker.createContainer).not.toHaveBeenCalled();
    });
  });

  describe('stop', () => {
    it('is one force-remove', async () => {
      await provisioner.stop(ID);
      expect(calls).toEqual(['container.remove(force)']);
    });

    it('a container that is gone, or being removed already, is stopped', async () => {
      container.remove.mockRejectedValueOnce(
        engineError(404, `No such container: ws-abc123def456`),
      );
      await expect(provisioner.stop(ID)).resolves.toBeUndefined();
      container.remove.mockRejectedValueOnce(
        engineError(409, 'removal of container ws-abc123def456 is already in progress'),
      );
      await expect(provisioner.stop(ID)).resolves.toBeUndefined();
      expect(Logger.prototype.log).toHaveBeenCalledWith(
        { workspaceId: ID, container: 'ws-abc123def456' },
        'container removal already in progress',
      );
    });

    it('anything else fails with the container name', async () => {
      container.remove.mockRejectedValue(engineError(500, 'context deadline exceeded'));
      await expect(provisioner.stop(ID)).rejects.toThrow(
        'force-remove ws-abc123def456: context deadline exceeded',
      );
    });
  });

  describe('isRunning', () => {
    it('reads the state; a missing container is not running', async () => {
      container.inspect.mockResolvedValueOnce({ State: { Running: true } } as never);
      expect(await provisioner.isRunning(ID)).toBe(true);
      container.inspect.mockResolvedValueOnce({ State: { Running: false } } as never);
      expect(await provisioner.isRunning(ID)).toBe(false);
      container.inspect.mockRejectedValueOnce(engineError(404, 'No such container: ws-abc'));
      expect(await provisioner.isRunning(ID)).toBe(false);
    });

    it('an inspection error is "running": trouble must never look like a dead container', async () => {
      container.inspect.mockRejectedValue(engineError(500, 'i/o timeout'));
      expect(await provisioner.isRunning(ID)).toBe(true);
    });
  });

  describe('removeVolume', () => {
    it('fails when the config volume cannot go; the others are best effort', async () => {
      volume.remove.mockRejectedValueOnce(engineError(409, 'volume is in use'));
      await expect(provisioner.removeVolume(ID)).rejects.toThrow(
        'failed to remove volume ws-abc123def456-configs: volume is in use',
      );
      volume.remove.mockReset();
      volume.remove
        .mockResolvedValueOnce(undefined as never)
        .mockRejectedValue(engineError(500, 'busy'));
      await expect(provisioner.removeVolume(ID)).resolves.toBeUndefined();
      expect(docker.getVolume.mock.calls.slice(-3).map((c) => c[0])).toEqual([
        'ws-abc123def456-configs',
        'ws-abc123def456-claude-sessions',
        `ws-${ID}-workspace`,
      ]);
    });

    it('volumes that do not exist are removed already', async () => {
      volume.remove.mockRejectedValue(engineError(404, 'no such volume'));
      await expect(provisioner.removeVolume(ID)).resolves.toBeUndefined();
    });
  });

  it('copyToConfigs extracts into the workspace container when there is one', async () => {
    container.inspect.mockResolvedValue({} as never);
    await provisioner.copyToConfigs(ID, Readable.from([Buffer.from('tar bytes')]));
    expect(container.putArchive).toHaveBeenCalledWith(Buffer.from('tar bytes'), {
      path: '/configs',
    });
    expect(docker.createContainer).not.toHaveBeenCalled();
  });
});

describe('isRegularFile', () => {
  const stat = (mode: number) =>
    Buffer.from(JSON.stringify({ name: 'x', mode })).toString('base64');
  it.each([
    [stat(0o644), true],
    [stat(2 ** 31 + 0o755), false], // directory
    [stat(2 ** 27 + 0o777), false], // symlink
    ['not base64 json', false],
    [undefined, false],
  ])('%p → %p', (header, expected) => {
    expect(isRegularFile(header)).toBe(expected);
  });
});
