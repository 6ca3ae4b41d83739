import { SchedulerRegistry } from '@nestjs/schedule';
import { ComputeBackends } from '../src/provisioner/compute-backends';
import { HealthSweep } from '../src/sweeper/health/health-sweep';
import { RestartRequests } from '../src/workspaces/lifecycle/restart-requests';
import { insertWorkspace } from './support/factories';
import {
  insertProvisionedWorkspace,
  lifecycleRow,
  recordedEvents,
  settled,
  useComputeApp,
} from './support/lifecycle';
import { FakeControlPlane, FakeDocker } from './support/fake-compute';
import { TestApp, useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

/** Restart listeners run detached; they have all run after one macrotask. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function statusOf(db: TestDatabase, id: string): Promise<string> {
  const [row] = await db.query<{ status: string }>('SELECT status FROM workspaces WHERE id = $1', [
    id,
  ]);
  return row.status;
}

async function eventTypes(db: TestDatabase, id: string): Promise<string[]> {
  const rows = await db.query<{ event_type: string; payload: unknown }>(
    `SELECT event_type, payload FROM structure_events WHERE workspace_id = $1 ORDER BY created_at`,
    [id],
  );
  return rows.map((r) => `${r.event_type} ${JSON.stringify(r.payload)}`);
}

/** The restarts an app was asked for, by workspace id. */
function restartsOf(app: TestApp): string[] {
  const asked: string[] = [];
  beforeAll(() => app.get(RestartRequests).on((ids) => void asked.push(...ids)));
  return asked;
}

describe('health sweep (real PostgreSQL)', () => {
  const db = useTestDatabase();

  describe('in Docker mode', () => {
    const docker = new FakeDocker();
    const app = useTestApp(db, {}, [
      { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
    ]);
    const restarts = restartsOf(app);
    const sweep = () => app.get(HealthSweep).runPass();

    beforeEach(async () => {
      // Each test judges only its own workspaces.
      await db.query(`UPDATE workspaces SET status = 'removed'`);
      docker.containers.clear();
      docker.clearInterceptors();
      restarts.length = 0;
    });

    it('runs on its interval from start', () => {
      expect(app.get(SchedulerRegistry).getIntervals()).toContain('health-sweep');
    });

    it('takes a live workspace whose container is gone or stopped offline and asks for its restart', async () => {
      const canvas = await TestWsClient.connect(app.baseUrl);
      try {
        const gone = await insertWorkspace(db);
        const stopped = await insertWorkspace(db, { status: 'degraded' });
        const healthy = await insertWorkspace(db);
        docker.plant(stopped);
        docker.kill(stopped);
        docker.plant(healthy);

        expect(await sweep()).toEqual({
          status: 'done',
          summary: { checked: 3, restarted: 2 },
        });
        await settle();

        for (const id of [gone, stopped]) {
          // Offline first; the lifecycle takes it from there (provisioning, …).
          expect(await statusOf(db, id)).not.toBe('online');
          expect((await eventTypes(db, id))[0]).toBe('WORKSPACE_OFFLINE {}');
          expect((await canvas.nextEvent('WORKSPACE_OFFLINE', id)).payload).toEqual({});
        }
        expect(restarts.sort()).toEqual([gone, stopped].sort());
        expect(await statusOf(db, healthy)).toBe('online');
        expect(await eventTypes(db, healthy)).toEqual([]);

        // No longer online: the next pass leaves them to the lifecycle.
        expect(await sweep()).toEqual({ status: 'done' });
      } finally {
        await canvas.close();
      }
    });

    it('checks only live workspaces that run here: not external, paused, hibernated or provisioning ones', async () => {
      const ids = [
        await insertWorkspace(db, { runtime: 'external' }),
        await insertWorkspace(db, { status: 'paused' }),
        await insertWorkspace(db, { status: 'hibernated' }),
        await insertWorkspace(db, { status: 'provisioning' }),
        await insertWorkspace(db, { status: 'offline' }),
        await insertWorkspace(db, { status: 'failed' }),
      ];
      docker.calls.length = 0;

      expect(await sweep()).toEqual({ status: 'done' });
      await settle();

      for (const id of ids) expect(docker.calls).not.toContain(`isRunning ${id}`);
      expect(restarts).toEqual([]);
    });

    it('leaves a workspace the lifecycle is working on, or taking down', async () => {
      const pending = await insertWorkspace(db);
      await db.query(
        `UPDATE workspaces SET desired_generation = observed_generation + 1 WHERE id = $1`,
        [pending],
      );
      const pausing = await insertWorkspace(db);
      await db.query(`UPDATE workspaces SET desired_state = 'paused' WHERE id = $1`, [pausing]);
      docker.calls.length = 0;

      expect(await sweep()).toEqual({ status: 'done' });
      expect(docker.calls.filter((c) => c.startsWith('isRunning'))).toEqual([]);
      expect(await statusOf(db, pending)).toBe('online');
      expect(await statusOf(db, pausing)).toBe('online');
    });

    it('never takes a workspace down on an inspection error', async () => {
      const id = await insertWorkspace(db);
      docker.intercept('isRunning', () => {
        throw new Error('daemon hiccup');
      });
      expect(await sweep()).toEqual({ status: 'done' });
      expect(await statusOf(db, id)).toBe('online');
      expect(restarts).toEqual([]);
    });
  });

  describe('through the lifecycle', () => {
    const docker = new FakeDocker();
    const app = useComputeApp(db, {}, { docker });

    it('a dead workspace is provisioned again by the reconciler', async () => {
      await db.query(`UPDATE workspaces SET status = 'removed', desired_state = 'removed'`);
      const dead = await insertProvisionedWorkspace(db, docker);
      const before = await lifecycleRow(db, dead);

      expect(await app.get(HealthSweep).runPass()).toEqual({
        status: 'done',
        summary: { checked: 1, restarted: 1 },
      });

      const row = await settled(db, dead, { after: before.desired_generation });
      expect(row.desired_state).toBe('running');
      expect(docker.containers.get(dead)?.running).toBe(true);
      expect((await recordedEvents(db, dead)).map((e) => e.event_type)).toEqual([
        'WORKSPACE_OFFLINE',
        'WORKSPACE_PROVISIONING',
      ]);
    });
  });

  describe('in control-plane mode', () => {
    const controlPlane = new FakeControlPlane();
    const app = useTestApp(db, {}, [
      { provide: ComputeBackends, useValue: new ComputeBackends(null, controlPlane) },
    ]);
    const restarts = restartsOf(app);

    it('asks the control plane’s status endpoint about workspaces with an instance', async () => {
      await db.query(`UPDATE workspaces SET status = 'removed'`);
      const running = await insertWorkspace(db);
      const terminated = await insertWorkspace(db);
      const noInstance = await insertWorkspace(db);
      await db.query(
        `UPDATE workspaces SET instance_id = 'i-' || left(id::text, 8) WHERE id = ANY($1)`,
        [[running, terminated]],
      );
      controlPlane.instances.set(running, { running: true, spec: {} as never });

      expect(await app.get(HealthSweep).runPass()).toEqual({
        status: 'done',
        summary: { checked: 2, restarted: 1 },
      });
      await settle();

      expect(controlPlane.calls.sort()).toEqual(
        [`isRunning ${running}`, `isRunning ${terminated}`].sort(),
      );
      expect(await statusOf(db, terminated)).toBe('offline');
      expect(await statusOf(db, running)).toBe('online');
      expect(await statusOf(db, noInstance)).toBe('online');
      expect(restarts).toEqual([terminated]);
    });
  });

  describe('without a compute backend', () => {
    const app = useTestApp(db);

    it('does not run', async () => {
      expect(app.get(SchedulerRegistry).getIntervals()).not.toContain('health-sweep');
      const id = await insertWorkspace(db);
      expect(await app.get(HealthSweep).runPass()).toEqual({ status: 'done' });
      expect(await statusOf(db, id)).toBe('online');
    });
  });
});
