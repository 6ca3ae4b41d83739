import { LoopOutcome } from '../src/common/loops/background-loops';
import { ComputeBackends } from '../src/provisioner/compute-backends';
import { HealthSweep } from '../src/sweeper/health/health-sweep';
import { HibernationMonitor } from '../src/sweeper/hibernation/hibernation-monitor';
import { WorkspaceHibernation } from '../src/sweeper/hibernation/workspace-hibernation.port';
import { OrphanSweeper } from '../src/sweeper/orphans/orphan-sweeper';
import { ProvisionTimeoutSweep } from '../src/sweeper/provision-timeout/provision-timeout-sweep';
import { eventually } from './support/eventually';
import { insertWorkspace } from './support/factories';
import { FakeDocker } from './support/fake-compute';
import { startTestApp, TestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

/** Something that keeps a pass inside itself until the test lets it go. */
interface Hold {
  /** Resolves once a pass is held. */
  entered(): Promise<void>;
  open(): Promise<unknown> | void;
}

/** A point in a port call a pass stops at. */
class Gate implements Hold {
  private release!: () => void;
  private arrived!: () => void;
  private readonly arrival = new Promise<void>((resolve) => (this.arrived = resolve));
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));
  private held = true;

  async pass(): Promise<void> {
    if (!this.held) return;
    this.arrived();
    await this.released;
  }

  entered(): Promise<void> {
    return this.arrival;
  }

  open(): void {
    this.held = false;
    this.release();
  }
}

class GatedHibernation extends WorkspaceHibernation {
  gate = new Gate();
  readonly asked: string[] = [];
  async hibernate(workspaceId: string): Promise<boolean> {
    await this.gate.pass();
    this.asked.push(workspaceId);
    return true;
  }
}

/**
 * Shows one pass of a loop at a time across two replicas: while replica A is held inside
 * its pass, replica B's pass (and A's own next one) is refused, and once A is done B runs.
 */
async function exclusive(
  a: () => Promise<LoopOutcome>,
  b: () => Promise<LoopOutcome>,
  hold: Hold,
): Promise<LoopOutcome> {
  const held = a();
  await hold.entered();
  expect(await b()).toEqual({ status: 'skipped', reason: 'locked' });
  expect(await a()).toEqual({ status: 'skipped', reason: 'overlap' });
  await hold.open();
  const outcome = await held;
  expect(outcome.status).toBe('done');
  expect((await b()).status).toBe('done');
  return outcome;
}

describe('sweeps on two replicas of one database', () => {
  const db = useTestDatabase();
  const docker = new FakeDocker();
  const hibernation = new GatedHibernation();
  const replicas: TestApp[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startTestApp(db.url, {}, [
          { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
          { provide: WorkspaceHibernation, useValue: hibernation },
        ]),
      );
    }
  });
  afterAll(() => Promise.all(replicas.map((r) => r.close())));
  beforeEach(() => docker.clearInterceptors());

  const [a, b] = [0, 1].map((i) => ({
    get: <T>(token: new (...args: never[]) => T) => replicas[i].get(token),
  }));

  it('orphan sweeper: one replica at a time reaps, and reaps once', async () => {
    const removed = await insertWorkspace(db, { status: 'removed' });
    docker.plant(removed);
    const gate = new Gate();
    docker.intercept('listWorkspaceContainerIdPrefixes', () => gate.pass());

    const outcome = await exclusive(
      () => a.get(OrphanSweeper).runPass(),
      () => b.get(OrphanSweeper).runPass(),
      gate,
    );
    expect(outcome).toEqual({ status: 'done', summary: { removedReaped: 1 } });
    expect(docker.calls.filter((c) => c === `stop ${removed}`)).toHaveLength(1);
  });

  it('orphan sweeper: many passes fired at once on both replicas never overlap', async () => {
    let active = 0;
    let peak = 0;
    docker.intercept('listManagedContainerIdPrefixes', async () => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
    });
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).get(OrphanSweeper).runPass()),
    );
    expect(peak).toBe(1);
    expect(outcomes.filter((o) => o.status === 'done').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o.status === 'done' || o.status === 'skipped')).toBe(true);
  });

  it('health sweep: one replica at a time, one restart for a dead workspace', async () => {
    await db.query(`UPDATE workspaces SET status = 'removed'`);
    const dead = await insertWorkspace(db);
    const gate = new Gate();
    docker.intercept('isRunning', () => gate.pass());

    const outcome = await exclusive(
      () => a.get(HealthSweep).runPass(),
      () => b.get(HealthSweep).runPass(),
      gate,
    );
    expect(outcome).toEqual({ status: 'done', summary: { checked: 1, restarted: 1 } });
    const offline = await db.query(
      `SELECT 1 FROM structure_events WHERE workspace_id = $1 AND event_type = 'WORKSPACE_OFFLINE'`,
      [dead],
    );
    expect(offline).toHaveLength(1);
  });

  it('provision-timeout sweep: one replica at a time, one failure event', async () => {
    const stuck = await insertWorkspace(db, { status: 'provisioning' });
    await db.query(`UPDATE workspaces SET updated_at = now() - interval '1 hour' WHERE id = $1`, [
      stuck,
    ]);
    // Replica A is held inside its pass by a row lock on the stuck workspace.
    const blocker = await db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE', [stuck]);
      const outcome = await exclusive(
        () => a.get(ProvisionTimeoutSweep).runPass(),
        () => b.get(ProvisionTimeoutSweep).runPass(),
        { entered: () => aStatementWaitsOnALock(), open: () => blocker.query('COMMIT') },
      );
      expect(outcome).toEqual({ status: 'done', summary: { timedOut: 1 } });
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
    const failed = await db.query(
      `SELECT 1 FROM structure_events WHERE workspace_id = $1 AND event_type = 'WORKSPACE_PROVISION_FAILED'`,
      [stuck],
    );
    expect(failed).toHaveLength(1);
  });

  it('hibernation monitor: one replica at a time', async () => {
    await db.query(`UPDATE workspaces SET status = 'removed'`);
    const idle = await insertWorkspace(db);
    await db.query(
      `UPDATE workspaces SET hibernation_idle_minutes = 5, created_at = now() - interval '1 hour' WHERE id = $1`,
      [idle],
    );
    const outcome = await exclusive(
      () => a.get(HibernationMonitor).runPass(),
      () => b.get(HibernationMonitor).runPass(),
      hibernation.gate,
    );
    expect(outcome).toEqual({ status: 'done', summary: { hibernated: 1 } });
  });

  /** Resolves once a statement on this test's database waits for a lock. */
  async function aStatementWaitsOnALock(): Promise<void> {
    await eventually(async () => {
      const waiting = await db.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return waiting.length > 0 ? true : undefined;
    }, 'a pass waiting on the locked row');
  }
});
