import { LivenessSweep } from '../src/registry/liveness/liveness.sweep';
import { AutoRestart } from '../src/workspaces/lifecycle/auto-restart';
import { FakeClock } from './support/fake-clock';
import { FakeDocker } from './support/fake-compute';
import { WorkspaceSeed } from './support/factories';
import {
  insertProvisionedWorkspace,
  lifecycleRow,
  recordedEvents,
  settled,
  useComputeApp,
} from './support/lifecycle';
import { useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'lifecycle-auto-restart-admin';
const UPTIME_MS = 10 * 60_000;

/**
 * Automatic restarts (spec 04 §5.3, spec 02 §12.2): secret changes, a workspace gone silent, a
 * container the proxy found dead. Who qualifies is the lifecycle's rule, whoever asks.
 */
describe('auto-restart', () => {
  const db = useTestDatabase();
  const docker = new FakeDocker();
  // The app booted a while ago (the liveness sweep's start-up grace is over).
  const clock = new FakeClock(new Date(Date.now() - UPTIME_MS));
  const app = useComputeApp(
    db,
    { ADMIN_TOKEN, MOLECULE_ENV: 'development', LIVENESS_SWEEP_INTERVAL_SECONDS: '3600' },
    { docker, clock },
  );
  beforeAll(() => clock.advance(UPTIME_MS));

  const starts = (id: string) => docker.calls.filter((c) => c === `start ${id}`).length;

  const workspace = (seed: WorkspaceSeed = {}) => insertProvisionedWorkspace(db, docker, seed);

  it('restarts what should run; skips paused, hibernated, removed, external and paused-ancestor ones', async () => {
    const online = await workspace();
    const failed = await workspace({ status: 'failed' });
    const paused = await workspace({ status: 'paused' });
    const hibernated = await workspace({ status: 'hibernated' });
    const removed = await workspace({ status: 'removed' });
    const external = await workspace({ runtime: 'external' });
    const pausedParent = await workspace({ status: 'paused' });
    const underPaused = await workspace({ parent_id: pausedParent });
    const ids = [online, failed, paused, hibernated, removed, external, underPaused];

    const accepted = await app.get(AutoRestart).restart(ids, 'test');
    expect(accepted.sort()).toEqual([online, failed].sort());
    for (const id of [online, failed]) {
      expect(await settled(db, id, { after: 0 })).toMatchObject({ status: 'provisioning' });
      expect(starts(id)).toBe(1);
    }
    for (const id of [paused, hibernated, removed, external, underPaused]) {
      expect((await lifecycleRow(db, id)).desired_generation).toBe(0);
      expect(starts(id)).toBe(0);
    }
    // The cycle announces the change itself (nobody else did).
    expect((await recordedEvents(db, online)).map((e) => e.event_type)).toEqual([
      'WORKSPACE_PROVISIONING',
    ]);
  });

  it('a global secret change restarts every workspace that inherits it', async () => {
    const inherits = await workspace();
    const overrides = await workspace();
    await db.query(
      `INSERT INTO workspace_secrets (workspace_id, key, encrypted_value, encryption_version)
       VALUES ($1, 'SHARED', 'own', 0)`,
      [overrides],
    );
    const res = await app.http
      .withBearer(ADMIN_TOKEN)
      .put('/settings/secrets', { key: 'SHARED', value: 'global' });
    expect(res.status).toBe(200);
    await settled(db, inherits, { after: 0 });
    expect(docker.containers.get(inherits)!.spec.env.SHARED).toBe('global');
    expect((await lifecycleRow(db, overrides)).desired_generation).toBe(0);
  });

  it('a workspace gone silent goes offline and is restarted', async () => {
    const id = await workspace();
    await db.query(
      `UPDATE workspaces SET last_heartbeat_at = now() - interval '1 hour' WHERE id = $1`,
      [id],
    );
    await app.get(LivenessSweep).sweep();
    expect(await settled(db, id, { after: 0 })).toMatchObject({
      status: 'provisioning',
      observed_state: 'running',
    });
    expect(starts(id)).toBe(1);
    expect((await recordedEvents(db, id)).map((e) => e.event_type)).toEqual([
      'WORKSPACE_OFFLINE',
      'WORKSPACE_PROVISIONING',
    ]);
  });

  it('a container the proxy finds dead is restarted', async () => {
    // Nothing listens on port 9: the forward fails, and the engine knows no such container.
    const id = await workspace({ url: 'http://127.0.0.1:9' });
    const res = await app.http.post(`/workspaces/${id}/a2a`, {
      method: 'message/send',
      params: { message: { role: 'user', parts: [{ kind: 'text', text: 'hi' }] } },
    });
    expect([res.status, res.body]).toEqual([
      503,
      { error: 'workspace agent unreachable — container restart triggered', restarting: true },
    ]);
    expect(await settled(db, id, { after: 0 })).toMatchObject({ status: 'provisioning' });
    expect(docker.containers.get(id)?.running).toBe(true);
  });
});
