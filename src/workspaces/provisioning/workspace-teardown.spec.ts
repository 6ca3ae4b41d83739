import { Logger } from '@nestjs/common';
import { FakeClock } from '../../../test/support/fake-clock';
import { ComputeBackends } from '../../provisioner/compute-backends';
import {
  FakeControlPlane as InMemoryControlPlane,
  FakeDocker as InMemoryDocker,
} from '../../../test/support/fake-compute';
import { CPProvisioner, Provisioner } from '../../provisioner/provisioner.port';
import { TEARDOWN_CALL_TIMEOUT_MS, WorkspaceTeardown } from './workspace-teardown';

const WS = '0e7d2c4b-9a1f-4e3d-8b6a-5c4d3e2f1a0b';
const SECRET_DETAIL = 'dial unix /var/run/docker.sock: permission denied (token=abc)';

/** A call that never answers (a wedged daemon or control plane). */
const hang = () => new Promise<void>(() => undefined);

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A Docker stand-in that logs every call and fails the ones it is told to. */
class FakeDocker extends InMemoryDocker {
  failStop = false;
  failRemoveVolume = false;
  hangStop = false;
  hangRemoveVolume = false;

  override async stop(id: string): Promise<void> {
    this.calls.push(`stop ${id}`);
    if (this.hangStop) return hang();
    if (this.failStop) throw new Error(SECRET_DETAIL);
  }
  override async removeVolume(id: string): Promise<void> {
    this.calls.push(`removeVolume ${id}`);
    if (this.hangRemoveVolume) return hang();
    if (this.failRemoveVolume) throw new Error(SECRET_DETAIL);
  }
}

class FakeControlPlane extends InMemoryControlPlane {
  failStop = false;
  hangStop = false;

  override async stop(id: string): Promise<void> {
    this.calls.push(`stop ${id}`);
    if (this.hangStop) return hang();
    if (this.failStop) throw new Error(SECRET_DETAIL);
  }
}

describe('WorkspaceTeardown', () => {
  let errors: jest.SpyInstance;
  let warnings: jest.SpyInstance;
  let clock: FakeClock;
  const teardownWith = (docker: Provisioner | null, cp: CPProvisioner | null) =>
    new WorkspaceTeardown(new ComputeBackends(docker, cp), clock);

  /** Starts a stop and reports whether it has answered yet. */
  function track(pending: Promise<string | undefined>) {
    const state: { done: boolean; result?: string } = { done: false };
    void pending.then((result) => Object.assign(state, { done: true, result }));
    return state;
  }

  beforeEach(() => {
    clock = new FakeClock();
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('does nothing and reports no failure without any backend', async () => {
    expect(await teardownWith(null, null).remove(WS)).toBeUndefined();
  });

  describe('Docker', () => {
    it('stops the container, then removes its volume', async () => {
      const docker = new FakeDocker();
      const teardown = teardownWith(docker, null);
      expect(await teardown.remove(WS)).toBeUndefined();
      expect(docker.calls).toEqual([`stop ${WS}`, `removeVolume ${WS}`]);
    });

    it('stop keeps the volume (pause, hibernate, re-provision)', async () => {
      const docker = new FakeDocker();
      expect(await teardownWith(docker, null).stop(WS)).toBeUndefined();
      expect(docker.calls).toEqual([`stop ${WS}`]);
    });

    it('keeps the volume when the stop failed and reports a canned line', async () => {
      const docker = new FakeDocker();
      docker.failStop = true;
      const teardown = teardownWith(docker, null);
      expect(await teardown.remove(WS)).toBe(`stop ${WS}: stop failed`);
      expect(docker.calls).toEqual([`stop ${WS}`]);
      // The backend's own text is logged, never returned.
      expect(JSON.stringify(errors.mock.calls)).toContain('permission denied');
    });

    it('gives up on a hung stop after 30 s, keeping the volume', async () => {
      const docker = new FakeDocker();
      docker.hangStop = true;
      const state = track(teardownWith(docker, null).remove(WS));
      clock.advance(TEARDOWN_CALL_TIMEOUT_MS - 1);
      await settle();
      expect(state.done).toBe(false);
      clock.advance(1);
      await settle();
      expect(state).toEqual({ done: true, result: `stop ${WS}: stop failed` });
      expect(docker.calls).toEqual([`stop ${WS}`]);
    });

    it('gives up on a hung volume removal after 30 s without failing the stop', async () => {
      const docker = new FakeDocker();
      docker.hangRemoveVolume = true;
      const state = track(teardownWith(docker, null).remove(WS));
      await settle();
      expect(docker.calls).toEqual([`stop ${WS}`, `removeVolume ${WS}`]);
      clock.advance(TEARDOWN_CALL_TIMEOUT_MS);
      await settle();
      expect(state).toEqual({ done: true, result: undefined });
    });

    it('disarms the timer of every call that answered', async () => {
      const cancel = jest.fn();
      jest.spyOn(clock, 'setTimeout').mockReturnValue({ cancel });
      expect(await teardownWith(new FakeDocker(), null).remove(WS)).toBeUndefined();
      expect(cancel).toHaveBeenCalledTimes(2); // stop, then removeVolume
    });

    it('only logs a failed volume removal', async () => {
      const docker = new FakeDocker();
      docker.failRemoveVolume = true;
      const teardown = teardownWith(docker, null);
      expect(await teardown.remove(WS)).toBeUndefined();
      expect(docker.calls).toEqual([`stop ${WS}`, `removeVolume ${WS}`]);
      expect(warnings).toHaveBeenCalledTimes(1);
    });
  });

  describe('control plane', () => {
    it('terminates the remote instance', async () => {
      const cp = new FakeControlPlane();
      expect(await teardownWith(null, cp).remove(WS)).toBeUndefined();
      expect(cp.calls).toEqual([`stop ${WS}`]);
    });

    it('reports a failed termination with the canned line only', async () => {
      const cp = new FakeControlPlane();
      cp.failStop = true;
      const failure = await teardownWith(null, cp).remove(WS);
      expect(failure).toBe(`stop ${WS}: stop failed`);
      expect(failure).not.toContain('permission denied');
    });

    it('gives up on a hung termination after 30 s', async () => {
      const cp = new FakeControlPlane();
      cp.hangStop = true;
      const state = track(teardownWith(null, cp).remove(WS));
      clock.advance(TEARDOWN_CALL_TIMEOUT_MS);
      await settle();
      expect(state).toEqual({ done: true, result: `stop ${WS}: stop failed` });
    });

    it('wins over Docker when both are wired, as provisioning does (CP if wired, else Docker)', async () => {
      const docker = new FakeDocker();
      const cp = new FakeControlPlane();
      expect(await teardownWith(docker, cp).remove(WS)).toBeUndefined();
      expect(cp.calls).toEqual([`stop ${WS}`]);
      expect(docker.calls).toEqual([]);
    });
  });
});
