import { SchedulerRegistry } from '@nestjs/schedule';
import { HibernationMonitor } from '../src/sweeper/hibernation/hibernation-monitor';
import { WorkspaceHibernation } from '../src/sweeper/hibernation/workspace-hibernation.port';
import { insertToken, insertWorkspace, WorkspaceSeed } from './support/factories';
import { FakeDocker } from './support/fake-compute';
import { recordedEvents, settled, useComputeApp } from './support/lifecycle';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

/** Records what the monitor asked the lifecycle to hibernate. */
class RecordingHibernation extends WorkspaceHibernation {
  readonly asked: string[] = [];
  async hibernate(workspaceId: string): Promise<boolean> {
    this.asked.push(workspaceId);
    return true;
  }
}

const minutesAgo = (m: number) => `now() - make_interval(secs => ${Math.round(m * 60)})`;

/**
 * A workspace created an hour ago, idle after `idleMinutes`, heartbeating right now: a
 * healthy agent heartbeats whether it works or not.
 */
async function workspace(
  db: TestDatabase,
  idleMinutes: number | null,
  seed: WorkspaceSeed = {},
): Promise<string> {
  const id = await insertWorkspace(db, { last_heartbeat_at: new Date(), ...seed });
  await db.query(
    `UPDATE workspaces SET hibernation_idle_minutes = $2, created_at = ${minutesAgo(60)} WHERE id = $1`,
    [id, idleMinutes],
  );
  return id;
}

describe('hibernation monitor (real PostgreSQL)', () => {
  const db = useTestDatabase();

  describe('with the lifecycle’s hibernate action', () => {
    const hibernation = new RecordingHibernation();
    const app = useTestApp(db, {}, [{ provide: WorkspaceHibernation, useValue: hibernation }]);
    const pass = () => app.get(HibernationMonitor).runPass();

    beforeEach(async () => {
      await db.query(`UPDATE workspaces SET status = 'removed'`);
      hibernation.asked.length = 0;
    });

    it('runs on its interval from start', () => {
      expect(app.get(SchedulerRegistry).getIntervals()).toContain('hibernation-monitor');
    });

    it('hibernates a workspace idle for its minutes even though it heartbeats', async () => {
      const idle = await workspace(db, 30);
      const degraded = await workspace(db, 30, { status: 'degraded' });
      expect(await pass()).toEqual({ status: 'done', summary: { hibernated: 2 } });
      expect(hibernation.asked.sort()).toEqual([idle, degraded].sort());
    });

    it('keys off activity: recent activity, outbound A2A, a new token or queued messages keep it awake', async () => {
      const logged = await workspace(db, 30);
      await db.query(
        `INSERT INTO activity_logs (workspace_id, activity_type, created_at)
         VALUES ($1, 'a2a_receive', ${minutesAgo(5)})`,
        [logged],
      );
      const calledOut = await workspace(db, 30);
      await db.query(`UPDATE workspaces SET last_outbound_at = ${minutesAgo(5)} WHERE id = $1`, [
        calledOut,
      ]);
      // Woken (or restarted) five minutes ago: each provision mints a token.
      const woken = await workspace(db, 30);
      await insertToken(db, woken);
      await db.query(
        `UPDATE workspace_auth_tokens SET created_at = ${minutesAgo(5)} WHERE workspace_id = $1`,
        [woken],
      );
      const queued = await workspace(db, 30);
      await db.query(`INSERT INTO a2a_queue (workspace_id, body) VALUES ($1, '{}')`, [queued]);
      await workspace(db, 30, { active_tasks: 1 });
      const staleActivity = await workspace(db, 30);
      await db.query(
        `INSERT INTO activity_logs (workspace_id, activity_type, created_at)
         VALUES ($1, 'agent_log', ${minutesAgo(45)})`,
        [staleActivity],
      );

      expect(await pass()).toEqual({ status: 'done', summary: { hibernated: 1 } });
      expect(hibernation.asked).toEqual([staleActivity]);
    });

    it('leaves workspaces without an idle setting, external ones and ones not live', async () => {
      await workspace(db, null);
      await workspace(db, 0);
      await workspace(db, 30, { runtime: 'external' });
      for (const status of ['offline', 'paused', 'hibernated', 'provisioning', 'failed']) {
        await workspace(db, 30, { status });
      }
      // Still online, but the lifecycle is taking it down already.
      const pausing = await workspace(db, 30);
      await db.query(`UPDATE workspaces SET desired_state = 'paused' WHERE id = $1`, [pausing]);
      expect(await pass()).toEqual({ status: 'done' });
      expect(hibernation.asked).toEqual([]);
    });

    it('waits the full idle window, measured on the clock', async () => {
      const almost = await workspace(db, 30);
      await db.query(
        `INSERT INTO activity_logs (workspace_id, activity_type, created_at)
         VALUES ($1, 'task_update', ${minutesAgo(29)})`,
        [almost],
      );
      expect(await pass()).toEqual({ status: 'done' });
    });
  });

  describe('through the lifecycle (the path of POST /hibernate)', () => {
    const docker = new FakeDocker();
    const app = useComputeApp(db, {}, { docker });

    beforeEach(() =>
      db.query(`UPDATE workspaces SET status = 'removed', desired_state = 'removed'`),
    );

    it('hibernates an idle workspace: its container stopped, WORKSPACE_HIBERNATED sent', async () => {
      const idle = await workspace(db, 30);
      docker.plant(idle);

      expect(await app.get(HibernationMonitor).runPass()).toEqual({
        status: 'done',
        summary: { hibernated: 1 },
      });

      const row = await settled(db, idle);
      expect([row.status, row.desired_state]).toEqual(['hibernated', 'hibernated']);
      expect(docker.containers.has(idle)).toBe(false);
      expect((await recordedEvents(db, idle)).map((e) => e.event_type)).toEqual([
        'WORKSPACE_HIBERNATED',
      ]);
    });
  });
});
