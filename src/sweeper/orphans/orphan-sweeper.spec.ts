import { mock, MockProxy } from 'jest-mock-extended';
import { FakeClock } from '../../../test/support/fake-clock';
import { createUnit, quietLogs } from '../../../test/support/unit';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { AppConfig } from '../../config/app-config';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { Provisioner } from '../../provisioner/provisioner.port';
import { OrphanRepository } from './orphan.repository';
import { ORPHAN_SWEEP_DEADLINE_MS, OrphanSweeper } from './orphan-sweeper';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const prefix = (id: string) => id.slice(0, 12);
const NOW = new Date('2026-05-01T12:00:00Z');
const GRACE_CUTOFF = new Date(NOW.getTime() - 300_000);

describe('OrphanSweeper', () => {
  quietLogs();

  let docker: MockProxy<Provisioner>;
  let repo: MockProxy<OrphanRepository>;
  let loops: MockProxy<BackgroundLoops>;
  let sweeper: OrphanSweeper;

  async function build(backend: Provisioner | null) {
    const unit = await createUnit(OrphanSweeper, [
      {
        provide: AppConfig,
        useValue: { orphanSweepIntervalMs: 60_000, staleTokenGraceSeconds: 300 } as AppConfig,
      },
      { provide: Clock, useValue: new FakeClock(NOW) },
      { provide: ComputeBackends, useValue: new ComputeBackends(backend, null) },
    ]);
    repo = unit.mock(OrphanRepository);
    loops = unit.mock(BackgroundLoops);
    repo.removedMatching.mockResolvedValue([]);
    repo.patternsWithRows.mockResolvedValue(new Set());
    repo.workspacesWithStaleTokens.mockResolvedValue([]);
    repo.revokeStaleTokens.mockResolvedValue(1);
    return unit.sut;
  }

  beforeEach(async () => {
    docker = mock<Provisioner>();
    docker.listWorkspaceContainerIdPrefixes.mockResolvedValue([]);
    docker.listManagedContainerIdPrefixes.mockResolvedValue([]);
    sweeper = await build(docker);
  });

  describe('wiring', () => {
    it('starts a locked loop on the configured interval, first pass at start, 30 s deadline', () => {
      sweeper.onApplicationBootstrap();
      expect(loops.start).toHaveBeenCalledWith(
        expect.objectContaining({
          name: 'orphan-sweeper',
          intervalMs: 60_000,
          lockKey: LockKeys.orphanSweeper,
          deadlineMs: ORPHAN_SWEEP_DEADLINE_MS,
        }),
      );
    });

    it('without a Docker provisioner: no loop, and a sweep touches nothing', async () => {
      sweeper = await build(null);
      sweeper.onApplicationBootstrap();
      expect(loops.start).not.toHaveBeenCalled();
      expect(await sweeper.sweep()).toBeUndefined();
      expect(repo.removedMatching).not.toHaveBeenCalled();
      expect(repo.patternsWithRows).not.toHaveBeenCalled();
      expect(repo.workspacesWithStaleTokens).not.toHaveBeenCalled();
    });

    it('sweeps at start and on every tick', async () => {
      docker.listWorkspaceContainerIdPrefixes.mockResolvedValue([prefix(A)]);
      repo.removedMatching.mockResolvedValue([A]);
      const pass = { signal: new AbortController().signal };
      expect(await sweeper.loop.startup?.(pass)).toEqual({ removedReaped: 1 });
      expect(await sweeper.loop.tick(pass)).toEqual({ removedReaped: 1 });
    });
  });

  describe('pass 1: containers of removed workspaces', () => {
    it('stops the removed row’s container and removes its volume, nothing else', async () => {
      docker.listWorkspaceContainerIdPrefixes.mockResolvedValue([prefix(A), prefix(B)]);
      repo.removedMatching.mockResolvedValue([A]);

      expect(await sweeper.sweep()).toEqual({ removedReaped: 1 });

      expect(repo.removedMatching).toHaveBeenCalledWith([`${prefix(A)}%`, `${prefix(B)}%`]);
      expect(docker.stop.mock.calls).toEqual([[A]]);
      expect(docker.removeVolume.mock.calls).toEqual([[A]]);
    });

    it('with no containers, asks the database nothing and stops nothing', async () => {
      expect(await sweeper.sweep()).toBeUndefined();
      expect(repo.removedMatching).not.toHaveBeenCalled();
      expect(repo.patternsWithRows).not.toHaveBeenCalled();
      expect(docker.stop).not.toHaveBeenCalled();
    });

    it('skips the pass when the engine cannot list containers', async () => {
      docker.listWorkspaceContainerIdPrefixes.mockRejectedValue(new Error('daemon down'));
      expect(await sweeper.sweep()).toEqual({ failedPasses: ['removed-rows', 'stale-tokens'] });
      expect(repo.removedMatching).not.toHaveBeenCalled();
      expect(docker.stop).not.toHaveBeenCalled();
    });

    it('leaves the volume when the stop fails (the next sweep retries)', async () => {
      docker.listWorkspaceContainerIdPrefixes.mockResolvedValue([prefix(A), prefix(B)]);
      repo.removedMatching.mockResolvedValue([A, B]);
      docker.stop.mockRejectedValueOnce(new Error('stop refused'));

      expect(await sweeper.sweep()).toEqual({ removedReaped: 1 });
      expect(docker.stop.mock.calls).toEqual([[A], [B]]);
      expect(docker.removeVolume.mock.calls).toEqual([[B]]);
    });

    it('a volume removal error does not stop the next orphan', async () => {
      docker.listWorkspaceContainerIdPrefixes.mockResolvedValue([prefix(A), prefix(B)]);
      repo.removedMatching.mockResolvedValue([A, B]);
      docker.removeVolume.mockRejectedValueOnce(new Error('volume in use'));

      expect(await sweeper.sweep()).toEqual({ removedReaped: 2 });
      expect(docker.stop.mock.calls).toEqual([[A], [B]]);
      expect(docker.removeVolume.mock.calls).toEqual([[A], [B]]);
    });

    it('never sends non-workspace prefixes to SQL', async () => {
      docker.listWorkspaceContainerIdPrefixes.mockResolvedValue([
        'my_app',
        '%',
        '',
        'not-hex-zzz',
        prefix(A),
      ]);
      await sweeper.sweep();
      expect(repo.removedMatching).toHaveBeenCalledWith([`${prefix(A)}%`]);
      expect(repo.workspacesWithStaleTokens).toHaveBeenCalledWith([`${prefix(A)}%`], GRACE_CUTOFF);
    });

    it('with only non-workspace prefixes, asks nothing', async () => {
      docker.listWorkspaceContainerIdPrefixes.mockResolvedValue(['_', '%%', 'hello world']);
      await sweeper.sweep();
      expect(repo.removedMatching).not.toHaveBeenCalled();
    });

    it('stops starting new work once the sweep’s deadline has passed', async () => {
      const deadline = new AbortController();
      docker.listWorkspaceContainerIdPrefixes.mockResolvedValue([prefix(A), prefix(B)]);
      repo.removedMatching.mockResolvedValue([A, B]);
      docker.stop.mockImplementationOnce(async () => deadline.abort());

      await sweeper.sweep(deadline.signal);
      expect(docker.stop.mock.calls).toEqual([[A]]);
    });
  });

  describe('pass 2: labelled containers without any row (wiped database)', () => {
    it('reaps labelled prefixes that match no row, addressing them by prefix', async () => {
      docker.listManagedContainerIdPrefixes.mockResolvedValue([prefix(A)]);

      expect(await sweeper.sweep()).toEqual({ unknownReaped: 1 });
      expect(repo.patternsWithRows).toHaveBeenCalledWith([`${prefix(A)}%`]);
      expect(docker.stop.mock.calls).toEqual([[prefix(A)]]);
      expect(docker.removeVolume.mock.calls).toEqual([[prefix(A)]]);
    });

    it('leaves labelled containers whose workspace has a row, whatever its status', async () => {
      docker.listManagedContainerIdPrefixes.mockResolvedValue([prefix(A)]);
      repo.patternsWithRows.mockResolvedValue(new Set([`${prefix(A)}%`]));
      expect(await sweeper.sweep()).toBeUndefined();
      expect(docker.stop).not.toHaveBeenCalled();
    });

    it('reaps only the unknown ones of a mixed set', async () => {
      docker.listManagedContainerIdPrefixes.mockResolvedValue([prefix(A), prefix(B)]);
      repo.patternsWithRows.mockResolvedValue(new Set([`${prefix(A)}%`]));
      expect(await sweeper.sweep()).toEqual({ unknownReaped: 1 });
      expect(docker.stop.mock.calls).toEqual([[prefix(B)]]);
    });

    it('is skipped on a list error, and the other passes still run', async () => {
      docker.listManagedContainerIdPrefixes.mockRejectedValue(new Error('daemon down'));
      docker.listWorkspaceContainerIdPrefixes.mockResolvedValue([prefix(A)]);
      repo.removedMatching.mockResolvedValue([A]);

      expect(await sweeper.sweep()).toEqual({
        removedReaped: 1,
        failedPasses: ['unknown-labelled'],
      });
      expect(repo.patternsWithRows).not.toHaveBeenCalled();
      expect(repo.workspacesWithStaleTokens).toHaveBeenCalled();
    });

    it('queries and reaps only workspace-shaped prefixes', async () => {
      docker.listManagedContainerIdPrefixes.mockResolvedValue(['some_app', prefix(B)]);
      await sweeper.sweep();
      expect(repo.patternsWithRows).toHaveBeenCalledWith([`${prefix(B)}%`]);
      expect(docker.stop.mock.calls).toEqual([[prefix(B)]]);
    });

    it('runs even when pass 1 found nothing to do and failed its query', async () => {
      docker.listWorkspaceContainerIdPrefixes.mockResolvedValue([prefix(A)]);
      docker.listManagedContainerIdPrefixes.mockResolvedValue([prefix(B)]);
      repo.removedMatching.mockRejectedValue(new Error('db down'));
      expect(await sweeper.sweep()).toEqual({
        unknownReaped: 1,
        failedPasses: ['removed-rows'],
      });
    });
  });

  describe('pass 3: stale tokens of workspaces with no container', () => {
    it('revokes the stale tokens of each candidate, with the cutoff the query used', async () => {
      repo.workspacesWithStaleTokens.mockResolvedValue([A, B]);
      repo.revokeStaleTokens.mockResolvedValueOnce(2).mockResolvedValueOnce(1);

      expect(await sweeper.sweep()).toEqual({ staleTokenWorkspaces: 2, tokensRevoked: 3 });
      // No containers at all is not a short-circuit: every stale workspace qualifies.
      expect(repo.workspacesWithStaleTokens).toHaveBeenCalledWith([], GRACE_CUTOFF);
      expect(repo.revokeStaleTokens.mock.calls).toEqual([
        [A, GRACE_CUTOFF],
        [B, GRACE_CUTOFF],
      ]);
    });

    it('passes the existing containers so their workspaces are excluded', async () => {
      docker.listWorkspaceContainerIdPrefixes.mockResolvedValue([prefix(A)]);
      await sweeper.sweep();
      expect(repo.workspacesWithStaleTokens).toHaveBeenCalledWith([`${prefix(A)}%`], GRACE_CUTOFF);
    });

    it('counts nothing for a candidate whose tokens were refreshed meanwhile', async () => {
      repo.workspacesWithStaleTokens.mockResolvedValue([A]);
      repo.revokeStaleTokens.mockResolvedValue(0);
      expect(await sweeper.sweep()).toBeUndefined();
    });

    it('stops at the first revoke error; the next sweep retries', async () => {
      repo.workspacesWithStaleTokens.mockResolvedValue([A, B]);
      repo.revokeStaleTokens.mockRejectedValueOnce(new Error('db down'));
      expect(await sweeper.sweep()).toBeUndefined();
      expect(repo.revokeStaleTokens.mock.calls).toEqual([[A, GRACE_CUTOFF]]);
    });

    it('a failed candidate query ends the pass quietly', async () => {
      repo.workspacesWithStaleTokens.mockRejectedValue(new Error('db down'));
      expect(await sweeper.sweep()).toEqual({ failedPasses: ['stale-tokens'] });
      expect(repo.revokeStaleTokens).not.toHaveBeenCalled();
    });

    it('never revokes on a failed container list: no query at all', async () => {
      docker.listWorkspaceContainerIdPrefixes.mockRejectedValue(new Error('daemon down'));
      await sweeper.sweep();
      expect(repo.workspacesWithStaleTokens).not.toHaveBeenCalled();
      expect(repo.revokeStaleTokens).not.toHaveBeenCalled();
    });

    it('lists the containers again right before its query', async () => {
      await sweeper.sweep();
      expect(docker.listWorkspaceContainerIdPrefixes).toHaveBeenCalledTimes(2);
      const [, secondList] = docker.listWorkspaceContainerIdPrefixes.mock.invocationCallOrder;
      expect(secondList).toBeLessThan(repo.workspacesWithStaleTokens.mock.invocationCallOrder[0]);
    });
  });
});
