import { Logger } from '@nestjs/common';
import { AutoRestart } from '../src/workspaces/lifecycle/auto-restart';
import { ComputeStateRepository } from '../src/workspaces/lifecycle/compute-state.repository';
import { ReconcileRepository } from '../src/workspaces/lifecycle/reconcile.repository';
import { Gate } from './support/agents/gate';
import { eventually } from './support/eventually';
import { FakeDocker } from './support/fake-compute';
import {
  insertProvisionedWorkspace,
  lifecycleRow,
  settled,
  useComputeApp,
} from './support/lifecycle';
import { useTestDatabase } from './support/test-database';

/**
 * The seed's restart-coalescing contract (spec 04 §5.3 [target rev]), on the reconciler: one
 * cycle = one container start. Cycles are held at a gate inside the engine's start, so every
 * case is decided by what happened, never by timing.
 */
const ADMIN_TOKEN = 'lifecycle-coalescing-admin';

describe('restart coalescing', () => {
  const db = useTestDatabase();
  const docker = new FakeDocker();
  const gates = new Map<string, Gate>();
  const app = useComputeApp(db, { ADMIN_TOKEN }, { docker });

  beforeEach(() => {
    gates.clear();
    docker.intercept('start', (id) => gates.get(id)?.wait());
  });
  // A held cycle would keep the app's shutdown waiting.
  afterEach(() => gates.forEach((gate) => gate.release()));

  const cycles = (id: string) => docker.calls.filter((c) => c === `start ${id}`).length;
  const restart = (id: string) => app.get(AutoRestart).restart([id], 'test');

  /** A running workspace whose container starts are held until `gate.release()`. */
  async function workspace(): Promise<{ id: string; gate: Gate }> {
    const id = await insertProvisionedWorkspace(db, docker);
    const gate = new Gate(true);
    gates.set(id, gate);
    return { id, gate };
  }

  /** Resolves once `n` cycles of the workspace have reached the engine's start. */
  const cyclesReach = (id: string, n: number) =>
    eventually(async () => (cycles(id) >= n ? true : undefined), `${n} cycle(s) of ${id}`);

  it('1 request → 1 cycle', async () => {
    const { id } = await workspace();
    expect(await restart(id)).toEqual([id]);
    await settled(db, id, { after: 0 });
    expect(cycles(id)).toBe(1);
  });

  it('N requests during an in-flight cycle → exactly 2 cycles', async () => {
    const { id, gate } = await workspace();
    gate.hold();
    await restart(id);
    await cyclesReach(id, 1);
    for (let i = 0; i < 5; i++) await restart(id);
    // The first cycle still holds the workspace: nothing else started.
    expect(cycles(id)).toBe(1);
    expect((await lifecycleRow(db, id)).desired_generation).toBe(6);
    gate.release();
    const row = await settled(db, id, { after: 5 });
    expect(cycles(id)).toBe(2);
    expect(row.observed_generation).toBe(6);
  });

  it('N sequential requests → N cycles', async () => {
    const { id } = await workspace();
    for (let i = 1; i <= 3; i++) {
      await restart(id);
      await settled(db, id, { after: i - 1 });
      expect(cycles(id)).toBe(i);
    }
  });

  it('a request during a cycle is picked up: the follow-up cycle sees what changed', async () => {
    const { id, gate } = await workspace();
    gate.hold();
    const admin = app.http.withBearer(ADMIN_TOKEN);
    await admin.put(`/workspaces/${id}/secrets`, { key: 'FIRST', value: '1' });
    await cyclesReach(id, 1);
    // The seed's bug: a second secret saved while the first restart runs was lost.
    await admin.put(`/workspaces/${id}/secrets`, { key: 'SECOND', value: '2' });
    await eventually(
      async () => ((await lifecycleRow(db, id)).desired_generation === 2 ? true : undefined),
      'the second request',
    );
    gate.release();
    await settled(db, id, { after: 1 });
    expect(cycles(id)).toBe(2);
    expect(docker.containers.get(id)!.spec.env).toMatchObject({ FIRST: '1', SECOND: '2' });
  });

  it('after a drain the workspace is released, and a later request runs its own cycle', async () => {
    const { id, gate } = await workspace();
    gate.hold();
    await restart(id);
    await cyclesReach(id, 1);
    await restart(id);
    gate.release();
    const drained = await settled(db, id, { after: 1 });
    expect(drained.reconcile_owner).toBeNull();
    expect(cycles(id)).toBe(2);
    await restart(id);
    await settled(db, id, { after: 2 });
    expect(cycles(id)).toBe(3);
  });

  it('a cycle that throws is logged with its stack, releases the workspace, and the next request runs', async () => {
    const { id } = await workspace();
    const errors = jest.spyOn(Logger.prototype, 'error');
    const boom = new Error('boom in the cycle');
    jest.spyOn(app.get(ComputeStateRepository), 'announce').mockRejectedValueOnce(boom);
    try {
      await restart(id);
      const failed = await eventually(async () => {
        const row = await lifecycleRow(db, id);
        return row.reconcile_error && row.reconcile_owner === null ? row : undefined;
      }, 'the failed cycle to be recorded');
      expect(failed).toMatchObject({
        reconcile_error: 'reconcile cycle failed',
        observed_generation: 0,
      });
      const logged = errors.mock.calls.find((args) => (args[0] as { err?: unknown })?.err === boom);
      expect(logged).toBeDefined();
      expect(boom.stack).toContain('boom in the cycle');
      expect(cycles(id)).toBe(0);

      // The process is fine and the workspace is not locked out: a new request runs at once
      // (no waiting out the backoff of the failed attempt).
      await restart(id);
      const row = await settled(db, id, { after: 1 });
      expect(row.reconcile_error).toBeNull();
      expect(cycles(id)).toBe(1);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('a request landing just as the cycle lets go is not lost', async () => {
    const { id } = await workspace();
    const repository = app.get(ReconcileRepository);
    const release = repository.releaseIfIdle.bind(repository);
    let raced = false;
    jest.spyOn(repository, 'releaseIfIdle').mockImplementation(async (workspaceId, owner) => {
      if (workspaceId === id && !raced) {
        // Between the loop's last read and its release: this replica still drives the
        // workspace, so the request's own nudge finds it busy and relies on the release.
        raced = true;
        await restart(id);
      }
      return release(workspaceId, owner);
    });
    try {
      await restart(id);
      await settled(db, id, { after: 1 });
      expect(raced).toBe(true);
      expect(cycles(id)).toBe(2);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('different workspaces never wait on each other', async () => {
    const a = await workspace();
    const b = await workspace();
    a.gate.hold();
    await restart(a.id);
    await cyclesReach(a.id, 1);
    await restart(b.id);
    await settled(db, b.id, { after: 0 });
    expect(cycles(b.id)).toBe(1);
    expect((await lifecycleRow(db, a.id)).observed_generation).toBe(0);
    a.gate.release();
    await settled(db, a.id, { after: 0 });
  });
});
