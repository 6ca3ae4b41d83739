import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import { LoopLiveness } from '../src/common/loops/loop-liveness';
import { ComputeBackends } from '../src/provisioner/compute-backends';
import { OrphanSweeper } from '../src/sweeper/orphans/orphan-sweeper';
import { insertToken, insertWorkspace } from './support/factories';
import { FakeDocker } from './support/fake-compute';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

/** Live tokens of a workspace, by plaintext prefix → revoked or not. */
async function tokenStates(db: TestDatabase, workspaceId: string) {
  const rows = await db.query<{ prefix: string; revoked: boolean }>(
    `SELECT prefix, revoked_at IS NOT NULL AS revoked FROM workspace_auth_tokens
      WHERE workspace_id = $1 ORDER BY prefix`,
    [workspaceId],
  );
  return Object.fromEntries(rows.map((r) => [r.prefix, r.revoked]));
}

/** A token last active `minutesAgo` minutes ago (by creation, or by use when given). */
async function tokenAged(
  db: TestDatabase,
  workspaceId: string,
  created: number,
  lastUsed?: number,
): Promise<string> {
  const plaintext = await insertToken(db, workspaceId);
  await db.query(
    `UPDATE workspace_auth_tokens
        SET created_at = now() - make_interval(mins => $2),
            last_used_at = CASE WHEN $3::int IS NULL THEN NULL ELSE now() - make_interval(mins => $3) END
      WHERE prefix = $1`,
    [plaintext.slice(0, 8), created, lastUsed ?? null],
  );
  return plaintext.slice(0, 8);
}

describe('orphan sweeper (real PostgreSQL)', () => {
  const db = useTestDatabase();

  describe('in Docker mode', () => {
    const docker = new FakeDocker();
    const app = useTestApp(db, {}, [
      { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
    ]);
    const sweep = () => app.get(OrphanSweeper).runPass();

    beforeEach(() => {
      docker.containers.clear();
      docker.volumes.clear();
      docker.clearInterceptors();
    });

    it('runs a first pass at start, then reports nothing to do on an empty engine', async () => {
      expect(app.get(LoopLiveness).snapshot(new Date())).toHaveProperty('orphan-sweeper');
      expect(await sweep()).toEqual({ status: 'done' });
    });

    it('stops the containers of removed workspaces and drops their config volumes', async () => {
      const removed = await insertWorkspace(db, { status: 'removed' });
      const live = await insertWorkspace(db);
      docker.plant(removed);
      docker.plant(live);

      expect(await sweep()).toEqual({ status: 'done', summary: { removedReaped: 1 } });

      expect([...docker.containers.keys()]).toEqual([live]);
      expect([...docker.volumes.keys()]).toEqual([live]);
      expect(await sweep()).toEqual({ status: 'done' });
    });

    it('after a wiped database, reaps only labelled containers whose workspace has no row', async () => {
      const labelled = randomUUID();
      const unlabelled = randomUUID();
      const failedRow = await insertWorkspace(db, { status: 'failed' });
      docker.plant(labelled, { running: false });
      docker.plant(unlabelled, { unlabelled: true });
      docker.plant(failedRow);

      expect(await sweep()).toEqual({ status: 'done', summary: { unknownReaped: 1 } });

      expect(docker.calls).toContain(`stop ${labelled.slice(0, 12)}`);
      expect(docker.calls).toContain(`removeVolume ${labelled.slice(0, 12)}`);
      expect(new Set(docker.containers.keys())).toEqual(new Set([unlabelled, failedRow]));
      expect(new Set(docker.volumes.keys())).toEqual(new Set([unlabelled, failedRow]));
    });

    describe('stale tokens', () => {
      it('revokes stale tokens of a workspace with no container, keeping fresh and recently used ones', async () => {
        const wiped = await insertWorkspace(db, { status: 'offline' });
        const stale = await tokenAged(db, wiped, 10);
        const fresh = await tokenAged(db, wiped, 1);
        const usedLately = await tokenAged(db, wiped, 60, 2);

        const outcome = await sweep();

        expect(outcome).toEqual({
          status: 'done',
          summary: { staleTokenWorkspaces: 1, tokensRevoked: 1 },
        });
        expect(await tokenStates(db, wiped)).toEqual({
          [stale]: true,
          [fresh]: false,
          [usedLately]: false,
        });
      });

      it('leaves workspaces that have a container (running or stopped), are external, provisioning or removed', async () => {
        const running = await insertWorkspace(db);
        const stopped = await insertWorkspace(db, { status: 'offline' });
        const external = await insertWorkspace(db, {
          runtime: 'external',
          status: 'awaiting_agent',
        });
        const provisioning = await insertWorkspace(db, { status: 'provisioning' });
        const removed = await insertWorkspace(db, { status: 'removed' });
        docker.plant(running);
        docker.plant(stopped, { running: false });
        const tokens = new Map<string, string>();
        for (const id of [running, stopped, external, provisioning, removed]) {
          tokens.set(id, await tokenAged(db, id, 30));
        }

        await sweep();

        for (const [id, prefix] of tokens) {
          expect([id, await tokenStates(db, id)]).toEqual([id, { [prefix]: false }]);
        }
      });

      it('never revokes a token minted while the pass runs (the seed’s restart race)', async () => {
        const restarting = await insertWorkspace(db, { status: 'offline' });
        const old = await tokenAged(db, restarting, 30);
        let minted: string | undefined;
        // The pass lists containers right before its query; a restart mints the new token then.
        let lists = 0;
        docker.intercept('listWorkspaceContainerIdPrefixes', async () => {
          if (++lists === 2) minted = (await insertToken(db, restarting)).slice(0, 8);
        });

        await sweep();

        expect(minted).toBeDefined();
        expect(await tokenStates(db, restarting)).toEqual({ [old]: true, [minted!]: false });
      });

      it('revokes nothing when the engine cannot list containers', async () => {
        const wiped = await insertWorkspace(db, { status: 'offline' });
        const stale = await tokenAged(db, wiped, 30);
        docker.intercept('listWorkspaceContainerIdPrefixes', () => {
          throw new Error('daemon down');
        });

        expect(await sweep()).toEqual({
          status: 'done',
          summary: { failedPasses: ['removed-rows', 'stale-tokens'] },
        });
        expect(await tokenStates(db, wiped)).toEqual({ [stale]: false });
      });
    });
  });

  describe('without Docker', () => {
    const app = useTestApp(db);

    it('never starts, and a pass touches nothing', async () => {
      const wiped = await insertWorkspace(db, { status: 'offline' });
      const token = await tokenAged(db, wiped, 60);
      expect(app.get(SchedulerRegistry).getIntervals()).not.toContain('orphan-sweeper');
      expect(await app.get(OrphanSweeper).runPass()).toEqual({ status: 'done' });
      expect(await tokenStates(db, wiped)).toEqual({ [token]: false });
    });
  });
});
