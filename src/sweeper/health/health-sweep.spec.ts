import { mock, MockProxy } from 'jest-mock-extended';
import { createUnit, quietLogs } from '../../../test/support/unit';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { AppConfig } from '../../config/app-config';
import { EventEmitter } from '../../events/event-emitter.port';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { CPProvisioner, Provisioner } from '../../provisioner/provisioner.port';
import { RestartRequests } from '../../workspaces/lifecycle/restart-requests';
import { HealthRepository } from './health.repository';
import { DEAD_COMPUTE_RESTART_REASON, HealthSweep } from './health-sweep';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

describe('HealthSweep', () => {
  quietLogs();

  let docker: MockProxy<Provisioner>;
  let controlPlane: MockProxy<CPProvisioner>;
  let repo: MockProxy<HealthRepository>;
  let events: MockProxy<EventEmitter>;
  let restarts: MockProxy<RestartRequests>;
  let loops: MockProxy<BackgroundLoops>;

  async function build(backends: ComputeBackends): Promise<HealthSweep> {
    const unit = await createUnit(HealthSweep, [
      { provide: AppConfig, useValue: { healthSweepIntervalMs: 15_000 } as AppConfig },
      { provide: ComputeBackends, useValue: backends },
    ]);
    repo = unit.mock(HealthRepository);
    events = unit.mock(EventEmitter);
    restarts = unit.mock(RestartRequests);
    loops = unit.mock(BackgroundLoops);
    repo.liveWorkspaces.mockResolvedValue([A, B]);
    repo.markOffline.mockResolvedValue(true);
    events.recordAndBroadcast.mockResolvedValue(undefined);
    return unit.sut;
  }

  beforeEach(() => {
    docker = mock<Provisioner>();
    controlPlane = mock<CPProvisioner>();
  });

  it('runs as a locked loop on the configured interval, first pass one interval after start', async () => {
    const sweep = await build(new ComputeBackends(docker, null));
    sweep.onApplicationBootstrap();
    expect(loops.start).toHaveBeenCalledWith(
      expect.objectContaining({
        name: 'health-sweep',
        intervalMs: 15_000,
        lockKey: LockKeys.healthSweep,
      }),
    );
    expect(loops.start.mock.calls[0][0].startup).toBeUndefined();
  });

  it('without any compute backend: no loop, and a sweep asks nothing', async () => {
    const sweep = await build(new ComputeBackends(null, null));
    sweep.onApplicationBootstrap();
    expect(loops.start).not.toHaveBeenCalled();
    expect(await sweep.sweep()).toBeUndefined();
    expect(repo.liveWorkspaces).not.toHaveBeenCalled();
  });

  describe('in Docker mode', () => {
    let sweep: HealthSweep;
    beforeEach(async () => {
      sweep = await build(new ComputeBackends(docker, null));
    });

    it('takes a workspace whose container is gone offline, announces it and asks for a restart', async () => {
      docker.isRunning.mockImplementation(async (id) => id !== A);

      expect(await sweep.sweep()).toEqual({ checked: 2, restarted: 1 });

      expect(repo.liveWorkspaces).toHaveBeenCalledWith(false);
      expect(repo.markOffline.mock.calls).toEqual([[A]]);
      expect(events.recordAndBroadcast.mock.calls).toEqual([['WORKSPACE_OFFLINE', A, {}]]);
      expect(restarts.request.mock.calls).toEqual([[[A], DEAD_COMPUTE_RESTART_REASON]]);
    });

    it('leaves running workspaces alone', async () => {
      docker.isRunning.mockResolvedValue(true);
      expect(await sweep.sweep()).toBeUndefined();
      expect(repo.markOffline).not.toHaveBeenCalled();
      expect(events.recordAndBroadcast).not.toHaveBeenCalled();
      expect(restarts.request).not.toHaveBeenCalled();
    });

    it('never a false positive: an inspection error skips the workspace', async () => {
      docker.isRunning.mockImplementation(async (id) => {
        if (id === A) throw new Error('daemon hiccup');
        return false;
      });
      expect(await sweep.sweep()).toEqual({ checked: 2, restarted: 1 });
      expect(repo.markOffline.mock.calls).toEqual([[B]]);
      expect(restarts.request.mock.calls).toEqual([[[B], DEAD_COMPUTE_RESTART_REASON]]);
    });

    it('does nothing when the row changed meanwhile (paused, hibernated, re-provisioned)', async () => {
      docker.isRunning.mockResolvedValue(false);
      repo.markOffline.mockResolvedValue(false);
      expect(await sweep.sweep()).toBeUndefined();
      expect(events.recordAndBroadcast).not.toHaveBeenCalled();
      expect(restarts.request).not.toHaveBeenCalled();
    });

    it('a failed status write skips that workspace and goes on with the next', async () => {
      docker.isRunning.mockResolvedValue(false);
      repo.markOffline.mockRejectedValueOnce(new Error('db down')).mockResolvedValueOnce(true);
      expect(await sweep.sweep()).toEqual({ checked: 2, restarted: 1 });
      expect(restarts.request.mock.calls).toEqual([[[B], DEAD_COMPUTE_RESTART_REASON]]);
    });

    it('still asks for the restart when the event could not be sent', async () => {
      docker.isRunning.mockImplementation(async (id) => id !== A);
      events.recordAndBroadcast.mockRejectedValue(new Error('bus down'));
      expect(await sweep.sweep()).toEqual({ checked: 2, restarted: 1 });
      expect(restarts.request).toHaveBeenCalledWith([A], DEAD_COMPUTE_RESTART_REASON);
    });

    it('a failed workspace query fails the pass (the loop logs it and retries)', async () => {
      repo.liveWorkspaces.mockRejectedValue(new Error('db down'));
      await expect(sweep.sweep()).rejects.toThrow('db down');
      expect(docker.isRunning).not.toHaveBeenCalled();
    });

    it('checks no further workspace once the pass is told to stop', async () => {
      const stop = new AbortController();
      stop.abort();
      expect(await sweep.sweep(stop.signal)).toBeUndefined();
      expect(docker.isRunning).not.toHaveBeenCalled();
    });
  });

  describe('in control-plane mode', () => {
    it('asks the control plane’s status endpoint, for rows with an instance id', async () => {
      const sweep = await build(new ComputeBackends(docker, controlPlane));
      controlPlane.isRunning.mockImplementation(async (id) => id === A);

      expect(await sweep.sweep()).toEqual({ checked: 2, restarted: 1 });

      expect(repo.liveWorkspaces).toHaveBeenCalledWith(true);
      expect(docker.isRunning).not.toHaveBeenCalled();
      expect(events.recordAndBroadcast.mock.calls).toEqual([['WORKSPACE_OFFLINE', B, {}]]);
      expect(restarts.request.mock.calls).toEqual([[[B], DEAD_COMPUTE_RESTART_REASON]]);
    });
  });
});
