import { mock, MockProxy } from 'jest-mock-extended';
import { FakeClock } from '../../../test/support/fake-clock';
import { createUnit, quietLogs } from '../../../test/support/unit';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { AppConfig } from '../../config/app-config';
import { HibernationRepository } from './hibernation.repository';
import { HibernationMonitor } from './hibernation-monitor';
import { WorkspaceHibernation } from './workspace-hibernation.port';

const NOW = new Date('2026-05-01T12:00:00Z');
const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

describe('HibernationMonitor', () => {
  quietLogs();

  let hibernation: MockProxy<WorkspaceHibernation>;
  let repo: MockProxy<HibernationRepository>;
  let loops: MockProxy<BackgroundLoops>;

  async function build(port: WorkspaceHibernation | null): Promise<HibernationMonitor> {
    const unit = await createUnit(HibernationMonitor, [
      { provide: AppConfig, useValue: { hibernationSweepIntervalMs: 60_000 } as AppConfig },
      { provide: Clock, useValue: new FakeClock(NOW) },
      { provide: WorkspaceHibernation, useValue: port },
    ]);
    repo = unit.mock(HibernationRepository);
    loops = unit.mock(BackgroundLoops);
    repo.idleAt.mockResolvedValue([]);
    return unit.sut;
  }

  beforeEach(() => {
    hibernation = mock<WorkspaceHibernation>();
    hibernation.hibernate.mockResolvedValue(true);
  });

  it('runs as a locked loop on the configured interval, first pass one interval after start', async () => {
    const monitor = await build(hibernation);
    monitor.onApplicationBootstrap();
    expect(loops.start).toHaveBeenCalledWith(
      expect.objectContaining({
        name: 'hibernation-monitor',
        intervalMs: 60_000,
        lockKey: LockKeys.hibernationMonitor,
      }),
    );
    expect(loops.start.mock.calls[0][0].startup).toBeUndefined();
  });

  it('hibernates each idle workspace through the lifecycle, judged at the clock’s now', async () => {
    const monitor = await build(hibernation);
    repo.idleAt.mockResolvedValue([A, B]);
    expect(await monitor.sweep()).toEqual({ hibernated: 2 });
    expect(repo.idleAt).toHaveBeenCalledWith(NOW);
    expect(hibernation.hibernate.mock.calls).toEqual([[A], [B]]);
  });

  it('counts only the workspaces the lifecycle really hibernated', async () => {
    const monitor = await build(hibernation);
    repo.idleAt.mockResolvedValue([A, B]);
    hibernation.hibernate.mockResolvedValueOnce(false);
    expect(await monitor.sweep()).toEqual({ hibernated: 1 });
  });

  it('does nothing when no workspace is idle', async () => {
    const monitor = await build(hibernation);
    expect(await monitor.sweep()).toBeUndefined();
    expect(hibernation.hibernate).not.toHaveBeenCalled();
  });

  it('a failed hibernation does not stop the others', async () => {
    const monitor = await build(hibernation);
    repo.idleAt.mockResolvedValue([A, B]);
    hibernation.hibernate.mockRejectedValueOnce(new Error('engine down'));
    expect(await monitor.sweep()).toEqual({ hibernated: 1 });
    expect(hibernation.hibernate.mock.calls).toEqual([[A], [B]]);
  });

  it('a failed query fails the pass (the loop logs it and retries)', async () => {
    const monitor = await build(hibernation);
    repo.idleAt.mockRejectedValue(new Error('db down'));
    await expect(monitor.sweep()).rejects.toThrow('db down');
    expect(hibernation.hibernate).not.toHaveBeenCalled();
  });

  it('stops hibernating once told to stop', async () => {
    const monitor = await build(hibernation);
    const stop = new AbortController();
    repo.idleAt.mockResolvedValue([A, B]);
    hibernation.hibernate.mockImplementationOnce(async () => {
      stop.abort();
      return true;
    });
    await monitor.sweep(stop.signal);
    expect(hibernation.hibernate.mock.calls).toEqual([[A]]);
  });

  it('without a lifecycle hibernate action: no loop, and a pass asks nothing', async () => {
    const monitor = await build(null);
    monitor.onApplicationBootstrap();
    expect(loops.start).not.toHaveBeenCalled();
    expect(await monitor.sweep()).toBeUndefined();
    expect(repo.idleAt).not.toHaveBeenCalled();
  });
});
