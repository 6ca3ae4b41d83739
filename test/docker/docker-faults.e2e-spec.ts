import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HealthSweep } from '../../src/sweeper/health/health-sweep';
import { HibernationMonitor } from '../../src/sweeper/hibernation/hibernation-monitor';
import { OrphanSweeper } from '../../src/sweeper/orphans/orphan-sweeper';
import { ENGINE_UNREACHABLE } from '../../src/workspaces/lifecycle/actions/provision.action';
import { eventually } from '../support/eventually';
import { Endpoint, FaultProxy } from '../support/fault-proxy';
import { LeakScanner } from '../support/leak-scanner';
import { lifecycleRow, recordedEvents } from '../support/lifecycle';
import { CONFIGURED_COMPUTE, useTestApp } from '../support/test-app';
import { useTestDatabase } from '../support/test-database';
import { TestWsClient } from '../support/ws-client';
import {
  describeDocker,
  ensureStandInImage,
  TEST_IMAGE_REGISTRY,
  testDocker,
  useDockerScope,
} from './support';

const ADMIN_TOKEN = 'docker-faults-admin';
/** A real container and agent on a shared machine, and a retry backing off: generous. */
const WAIT_MS = 60_000;
const NO_DOCKER_SAMPLE =
  'Docker not available — workspace containers require a Docker daemon or external provisioning.';

/** Where the real engine listens, from the environment a Docker client reads. */
function realEngine(): Endpoint {
  const host = process.env.DOCKER_HOST ?? '';
  if (host === '') return { path: '/var/run/docker.sock' };
  if (host.startsWith('unix://')) return { path: host.slice('unix://'.length) };
  const tcp = /^tcp:\/\/(?:127\.0\.0\.1|localhost):(\d+)$/.exec(host);
  if (tcp) return { port: Number(tcp[1]) };
  throw new Error(`the Docker fault tests need a local engine, not DOCKER_HOST=${host}`);
}

/**
 * The Docker engine taken away (spec 04): the server's `DOCKER_HOST` points at a proxy in front
 * of the real engine, which the test cuts — nothing listens any more — and restores. Create,
 * restart, delete and the sweeps meet the missing engine: clear statuses, canned reasons, no
 * crash; when it is back, everything heals without anyone asking.
 */
describeDocker('Docker engine faults', () => {
  // Pinned to the real engine before DOCKER_HOST changes: assertions and clean-up go direct.
  const docker = testDocker();
  const engine = realEngine();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-faults-'));
  const socket = path.join(dir, 'docker.sock');
  const originalHost = process.env.DOCKER_HOST;
  let proxy: FaultProxy;
  const scanner = new LeakScanner();
  scanner.plant('path', socket);

  beforeAll(async () => {
    proxy = await FaultProxy.start(engine, { path: socket });
    process.env.DOCKER_HOST = `unix://${socket}`;
  });
  afterAll(async () => {
    if (originalHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = originalHost;
    await proxy?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const db = useTestDatabase();
  const scope = useDockerScope();
  const app = useTestApp(
    db,
    {
      ADMIN_TOKEN,
      MOLECULE_ENV: 'development',
      WORKSPACE_NETWORK: 'host',
      MOLECULE_IMAGE_REGISTRY: TEST_IMAGE_REGISTRY,
      // The level-triggered scan is what retries a failed attempt once its backoff is over.
      RECONCILE_SCAN_INTERVAL_SECONDS: '1',
      ...scope.env,
    },
    [CONFIGURED_COMPUTE],
  );
  let ws: TestWsClient;
  beforeAll(() => ensureStandInImage({ runtimes: ['langgraph'] }), 120_000);
  beforeAll(async () => {
    ws = scanner.watch(await TestWsClient.connect(app.baseUrl));
  });
  afterAll(async () => {
    await ws?.close();
    scanner.expectNone();
  });

  const admin = () => scanner.http(app.http).withBearer(ADMIN_TOKEN);
  const container = (id: string) => docker.getContainer(`ws-${id.slice(0, 12)}`);
  const inspect = (id: string) =>
    container(id)
      .inspect()
      .catch(() => undefined);
  const status = (id: string, wanted: string) =>
    eventually(
      async () => ((await lifecycleRow(db, id)).status === wanted ? true : undefined),
      `workspace ${id} ${wanted}`,
      WAIT_MS,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}; it is ${JSON.stringify(await lifecycleRow(db, id))}`);
    });
  /** The server is up and its engine-free routes answer, whatever Docker does. */
  const expectServing = async () => {
    expect((await scanner.http(app.http).get('/health')).status).toBe(200);
    expect((await admin().get('/workspaces')).status).toBe(200);
  };
  const create = async (name: string) => {
    const res = await admin().post('/workspaces', { name, tier: 2 });
    expect([res.status, res.body.status]).toEqual([201, 'provisioning']);
    return res.body.id as string;
  };
  /**
   * The attempt failed for want of an engine: announced with the canned reason, on record to be
   * tried again. (A restarted workspace's old container, which nobody could stop, may keep
   * heartbeating meanwhile — then it shows online again, truthfully, until the retry.)
   */
  const failedForNoEngine = async (id: string) => {
    await eventually(async () => {
      const row = await lifecycleRow(db, id);
      const failed = (await recordedEvents(db, id)).some(
        (e) =>
          e.event_type === 'WORKSPACE_PROVISION_FAILED' &&
          e.payload.error === 'Docker not available on this platform instance',
      );
      return failed &&
        row.last_sample_error === NO_DOCKER_SAMPLE &&
        row.reconcile_error === ENGINE_UNREACHABLE
        ? true
        : undefined;
    }, 'the failed attempt, announced and on record to be retried');
  };
  const backOnline = async (id: string) => {
    await status(id, 'online');
    expect((await inspect(id))?.State.Running).toBe(true);
  };

  afterEach(() => proxy.restore());

  it('create while the engine is away: failed with the canned reason; online by itself once it is back', async () => {
    await proxy.cut();
    const id = await create('Created without an engine');
    await failedForNoEngine(id);
    expect((await lifecycleRow(db, id)).status).toBe('failed');
    await expectServing();
    expect(await inspect(id)).toBeUndefined();

    await proxy.restore();
    await backOnline(id);
  }, 120_000);

  it('restart while the engine is away: failed, then back online by itself in a new container', async () => {
    const id = await create('Restarted without an engine');
    await backOnline(id);
    const before = (await inspect(id))!.Id;

    await proxy.cut();
    const res = await admin().post(`/workspaces/${id}/restart`);
    expect([res.status, res.body.status]).toEqual([200, 'provisioning']);
    await failedForNoEngine(id);
    await expectServing();

    await proxy.restore();
    await backOnline(id);
    expect((await inspect(id))!.Id).not.toBe(before);
  }, 120_000);

  it('delete while the engine is away: removed, the stop failure said without engine text; the container goes once it is back', async () => {
    const id = await create('Deleted without an engine');
    await backOnline(id);

    await proxy.cut();
    const res = await admin().delete(`/workspaces/${id}`);
    expect([res.status, res.body]).toEqual([
      500,
      {
        error: `workspace marked removed, but 1 stop call(s) failed — please retry: stop ${id}: stop failed`,
        removed_count: 1,
        stop_failures: 1,
      },
    ]);
    expect((await lifecycleRow(db, id)).status).toBe('removed');
    expect((await inspect(id))?.State.Running).toBe(true);
    await expectServing();

    await proxy.restore();
    const volume = docker.getVolume(`ws-${id.slice(0, 12)}-configs`);
    await eventually(
      async () =>
        (await inspect(id)) || (await volume.inspect().catch(() => undefined)) ? undefined : true,
      'the container and its config volume gone',
      WAIT_MS,
    );
  }, 120_000);

  it('sweeps and an image refresh while the engine is away: nothing marked dead, nothing reaped; normal once it is back', async () => {
    const id = await create('Swept without an engine');
    await backOnline(id);
    const containerBefore = (await inspect(id))!.Id;
    const eventsBefore = (await recordedEvents(db, id)).length;

    await proxy.cut();
    // Nothing to report: no workspace found dead.
    expect(await app.get(HealthSweep).runPass()).toEqual({ status: 'done' });
    expect(await app.get(OrphanSweeper).runPass()).toEqual({
      status: 'done',
      summary: { failedPasses: ['removed-rows', 'unknown-labelled', 'stale-tokens'] },
    });
    const refresh = await admin().post('/admin/workspace-images/refresh?runtime=langgraph');
    expect([refresh.status, refresh.body]).toEqual([
      200,
      { pulled: [], failed: ['langgraph'], recreated: [] },
    ]);
    // An engine that does not answer is not a dead container: the workspace stays as it was.
    expect((await lifecycleRow(db, id)).status).toBe('online');
    expect((await recordedEvents(db, id)).length).toBe(eventsBefore);
    await expectServing();

    await proxy.restore();
    // Every pass runs again, and the healthy workspace is left alone.
    const orphans = await app.get(OrphanSweeper).runPass();
    expect(orphans.status).toBe('done');
    expect(JSON.stringify(orphans)).not.toContain('failedPasses');
    expect(await app.get(HealthSweep).runPass()).toMatchObject({ status: 'done' });
    expect((await recordedEvents(db, id)).length).toBe(eventsBefore);
    expect((await lifecycleRow(db, id)).status).toBe('online');
    expect((await inspect(id))!.Id).toBe(containerBefore);
  }, 120_000);

  it('the hibernation monitor while the engine is away: the stop waits for the engine, then the workspace hibernates', async () => {
    const id = await create('Hibernated without an engine');
    await backOnline(id);
    // Idle for an hour by every measure the monitor reads.
    await db.query(
      `UPDATE workspaces SET hibernation_idle_minutes = 1, created_at = now() - interval '1 hour'
        WHERE id = $1`,
      [id],
    );
    await db.query(
      `UPDATE workspace_auth_tokens SET created_at = now() - interval '1 hour' WHERE workspace_id = $1`,
      [id],
    );
    await db.query(`DELETE FROM activity_logs WHERE workspace_id = $1`, [id]);

    await proxy.cut();
    expect(await app.get(HibernationMonitor).runPass()).toEqual({
      status: 'done',
      summary: { hibernated: 1 },
    });
    await eventually(
      async () => ((await lifecycleRow(db, id)).reconcile_error !== null ? true : undefined),
      'the failed stop on record',
    );
    expect((await lifecycleRow(db, id)).status).toBe('hibernating');
    await expectServing();

    await proxy.restore();
    await status(id, 'hibernated');
    expect(await inspect(id)).toBeUndefined();
  }, 120_000);
});
