import { Logger } from '@nestjs/common';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { CPProvisioner, Provisioner, WorkspaceStartSpec } from '../../provisioner/provisioner.port';
import { WorkspaceTeardown } from './workspace-teardown';

const WS = '0e7d2c4b-9a1f-4e3d-8b6a-5c4d3e2f1a0b';
const SECRET_DETAIL = 'dial unix /var/run/docker.sock: permission denied (token=abc)';

/** A Docker stand-in that logs every call and fails the ones it is told to. */
class FakeDocker extends Provisioner {
  readonly calls: string[] = [];
  failStop = false;
  failRemoveVolume = false;

  async start(spec: WorkspaceStartSpec): Promise<string> {
    this.calls.push(`start ${spec.workspaceId}`);
    return 'http://127.0.0.1:1';
  }
  async stop(id: string): Promise<void> {
    this.calls.push(`stop ${id}`);
    if (this.failStop) throw new Error(SECRET_DETAIL);
  }
  async isRunning(): Promise<boolean> {
    return true;
  }
  async removeVolume(id: string): Promise<void> {
    this.calls.push(`removeVolume ${id}`);
    if (this.failRemoveVolume) throw new Error(SECRET_DETAIL);
  }
  async listManagedContainerIdPrefixes(): Promise<string[]> {
    return [];
  }
}

class FakeControlPlane extends CPProvisioner {
  readonly calls: string[] = [];
  failStop = false;

  async start(spec: WorkspaceStartSpec): Promise<string> {
    this.calls.push(`start ${spec.workspaceId}`);
    return 'i-123';
  }
  async stop(id: string): Promise<void> {
    this.calls.push(`stop ${id}`);
    if (this.failStop) throw new Error(SECRET_DETAIL);
  }
  async getConsoleOutput(): Promise<string> {
    return '';
  }
}

describe('WorkspaceTeardown', () => {
  let errors: jest.SpyInstance;
  let warnings: jest.SpyInstance;

  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('does nothing and reports no failure without any backend', async () => {
    expect(await new WorkspaceTeardown(new ComputeBackends(null, null)).stop(WS)).toBeUndefined();
  });

  describe('Docker', () => {
    it('stops the container, then removes its volume', async () => {
      const docker = new FakeDocker();
      const teardown = new WorkspaceTeardown(new ComputeBackends(docker, null));
      expect(await teardown.stop(WS)).toBeUndefined();
      expect(docker.calls).toEqual([`stop ${WS}`, `removeVolume ${WS}`]);
    });

    it('keeps the volume when the stop failed and reports a canned line', async () => {
      const docker = new FakeDocker();
      docker.failStop = true;
      const teardown = new WorkspaceTeardown(new ComputeBackends(docker, null));
      expect(await teardown.stop(WS)).toBe(`stop ${WS}: stop failed`);
      expect(docker.calls).toEqual([`stop ${WS}`]);
      // The backend's own text is logged, never returned.
      expect(JSON.stringify(errors.mock.calls)).toContain('permission denied');
    });

    it('only logs a failed volume removal', async () => {
      const docker = new FakeDocker();
      docker.failRemoveVolume = true;
      const teardown = new WorkspaceTeardown(new ComputeBackends(docker, null));
      expect(await teardown.stop(WS)).toBeUndefined();
      expect(docker.calls).toEqual([`stop ${WS}`, `removeVolume ${WS}`]);
      expect(warnings).toHaveBeenCalledTimes(1);
    });
  });

  describe('control plane', () => {
    it('terminates the remote instance', async () => {
      const cp = new FakeControlPlane();
      expect(await new WorkspaceTeardown(new ComputeBackends(null, cp)).stop(WS)).toBeUndefined();
      expect(cp.calls).toEqual([`stop ${WS}`]);
    });

    it('reports a failed termination with the canned line only', async () => {
      const cp = new FakeControlPlane();
      cp.failStop = true;
      const failure = await new WorkspaceTeardown(new ComputeBackends(null, cp)).stop(WS);
      expect(failure).toBe(`stop ${WS}: stop failed`);
      expect(failure).not.toContain('permission denied');
    });

    it('wins over Docker when both are wired, as provisioning does (CP if wired, else Docker)', async () => {
      const docker = new FakeDocker();
      const cp = new FakeControlPlane();
      expect(await new WorkspaceTeardown(new ComputeBackends(docker, cp)).stop(WS)).toBeUndefined();
      expect(cp.calls).toEqual([`stop ${WS}`]);
      expect(docker.calls).toEqual([]);
    });
  });
});
