import { ComputeBackends } from '../src/provisioner/compute-backends';
import { AutoRestart } from '../src/workspaces/lifecycle/auto-restart';
import { Reconciler } from '../src/workspaces/lifecycle/reconciler';
import { FakeDocker } from './support/fake-compute';
import { insertWorkspace } from './support/factories';
import { settled } from './support/lifecycle';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const WORKSPACES = 6;
const REQUESTS_PER_WORKSPACE = 30;

/**
 * Two app instances on one database drive the same workspaces. The engine both share records
 * every call in flight per workspace: a second call on a workspace while one is in flight would
 * be two replicas (or two cycles) acting on it at once.
 */
describe('reconciling with two replicas', () => {
  const db = useTestDatabase();
  const docker = new FakeDocker();
  const inFlight = new Map<string, number>();
  const overlaps: string[] = [];
  const owners = new Set<string>();
  const env = { RECONCILE_SCAN_INTERVAL_SECONDS: '1' };
  const backends = { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) };
  const a = useTestApp(db, env, [backends]);
  const b = useTestApp(db, env, [backends]);

  /** Holds each engine call for a moment, long enough for a second one to overlap it. */
  async function track(id: string): Promise<void> {
    const count = inFlight.get(id) ?? 0;
    if (count > 0) overlaps.push(id);
    inFlight.set(id, count + 1);
    const [row] = await db.query<{ reconcile_owner: string }>(
      'SELECT reconcile_owner FROM workspaces WHERE id = $1',
      [id],
    );
    owners.add(row.reconcile_owner);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
    inFlight.set(id, (inFlight.get(id) ?? 1) - 1);
  }

  it('never runs two cycles of one workspace at once, and every request is honoured', async () => {
    docker.intercept('start', track);
    docker.intercept('stop', track);
    const ids: string[] = [];
    for (let i = 0; i < WORKSPACES; i++) {
      const id = await insertWorkspace(db, { status: 'online' });
      docker.volumes.set(id, new Map([['config.yaml', Buffer.from('runtime: langgraph\n')]]));
      ids.push(id);
    }

    // Requests land on either replica, many at a time, while cycles run.
    const requests: Promise<unknown>[] = [];
    for (let round = 0; round < REQUESTS_PER_WORKSPACE; round++) {
      for (const id of ids) {
        const app = Math.random() < 0.5 ? a : b;
        requests.push(app.get(AutoRestart).restart([id], 'replica test'));
      }
      if (round % 5 === 4) await Promise.all(requests.splice(0));
    }
    await Promise.all(requests);

    for (const id of ids) {
      const row = await settled(db, id, { after: REQUESTS_PER_WORKSPACE - 1, timeoutMs: 30_000 });
      expect(row.desired_generation).toBe(REQUESTS_PER_WORKSPACE);
      expect(row.observed_state).toBe('running');
      const starts = docker.calls.filter((c) => c === `start ${id}`).length;
      // Coalesced: at least one cycle, never more than one per request.
      expect(starts).toBeGreaterThanOrEqual(1);
      expect(starts).toBeLessThanOrEqual(REQUESTS_PER_WORKSPACE);
    }
    expect(overlaps).toEqual([]);
    // Both replicas did part of the work.
    expect([...owners].sort()).toEqual([a.get(Reconciler).owner, b.get(Reconciler).owner].sort());
  }, 60_000);
});
